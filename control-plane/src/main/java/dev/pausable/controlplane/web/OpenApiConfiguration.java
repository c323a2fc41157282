package dev.pausable.controlplane.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What /v3/api-docs and /swagger-ui.html say about the API as a whole; the paths come from the controllers. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String BEARER = "bearer";

    @Bean
    OpenAPI pausableTrainingApi() {
        return new OpenAPI()
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("An API token (POST /v1/tokens, or the admin token of the first start)"
                                + " or, when configured, an identity provider's JWT")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER))
                .info(new Info()
                .title("Pausable training control plane")
                .version("v1")
                .license(new License().name("Apache-2.0"))
                .description("""
                        Create training and synthetic-data jobs, pause a running training job at its next epoch \
                        boundary, resume it from its verified checkpoint, cancel or delete it, and read its metrics, \
                        audit trail and checkpoints. Errors are RFC 9457 problem details \
                        (application/problem+json) whose `detail` is the message to show. Every call needs \
                        `Authorization: Bearer <token>`: viewers read; operators also create jobs and datasets \
                        and pause, resume and cancel their own jobs; admins do everything and manage tokens. The \
                        audit trail names the token's principal. Live changes: WebSocket /ws."""));
    }
}
