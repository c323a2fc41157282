package dev.pausable.controlplane.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may call what. Every request but the sign-in page, its assets and the health probe needs a
 * principal (an API token or, when configured, an identity provider's JWT, as a bearer token or in
 * the dashboard's session cookie); the role decides the rest. Stateless: no server-side session, so
 * any control plane serves any request.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(AuthProperties.class)
class SecurityConfiguration {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    @Bean
    SecurityFilterChain api(HttpSecurity http, AuthenticationManager bearer, ProblemResponses problems)
            throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/sign-in.html", "/sign-in", "/sign-out", "/css/**", "/js/sign-in.js",
                                "/favicon.ico", "/error").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/v1/tokens", "/v1/tokens/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.DELETE, "/v1/training/jobs/*").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/v1/training/jobs", "/v1/training/jobs/*/pause",
                                "/v1/training/jobs/*/resume", "/v1/training/jobs/*/cancel", "/v1/datasets")
                        .hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.GET, "/v1/**").hasRole("VIEWER")
                        // Anything else under /v1 (a future endpoint not listed here) is for admins only.
                        .requestMatchers("/v1/**").hasRole("ADMIN")
                        // Pages, scripts, the event socket, metrics for scrapers, the API docs.
                        .anyRequest().hasRole("VIEWER"))
                .oauth2ResourceServer(server -> server
                        .authenticationManagerResolver(request -> bearer)
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                // Scripts send their token in a header, which another site cannot make a browser send;
                // only changes authenticated by the session cookie need the CSRF token.
                .csrf(csrf -> csrf.spa().requireCsrfProtectionMatcher(
                        request -> !SAFE_METHODS.contains(request.getMethod()) && SessionCookieAsBearer.byCookie(request)))
                .addFilterAfter(new CsrfCookie(), CsrfFilter.class)
                .addFilterAfter(new SessionCookieAsBearer(), CsrfCookie.class)
                .addFilterBefore(new TokenInUrl(bearer), BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    /** Refusals as problem details; also the firewall's (Spring Security finds the RequestRejectedHandler bean). */
    @Bean
    ProblemResponses problemResponses() {
        return new ProblemResponses();
    }

    /** Our API tokens first, then (when Spring Boot's resource-server JWT settings are given) JWTs. */
    @Bean
    AuthenticationManager bearerAuthentication(Tokens tokens, ObjectProvider<JwtDecoder> jwtDecoder,
                                               AuthProperties properties) {
        List<AuthenticationProvider> providers = new ArrayList<>();
        providers.add(new ApiTokenAuthentication(tokens));
        jwtDecoder.ifAvailable(decoder -> {
            JwtAuthenticationProvider jwt = new JwtAuthenticationProvider(decoder);
            jwt.setJwtAuthenticationConverter(new JwtCallers(properties));
            providers.add(jwt);
        });
        return new ProviderManager(providers);
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role("ADMIN").implies("OPERATOR")
                .role("OPERATOR").implies("VIEWER")
                .build();
    }

    /** Renders the CSRF cookie on every browser request, so the dashboard's scripts always have it. */
    private static final class CsrfCookie extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (SessionCookie.read(request).isPresent() && request.getAttribute(CsrfToken.class.getName())
                    instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
