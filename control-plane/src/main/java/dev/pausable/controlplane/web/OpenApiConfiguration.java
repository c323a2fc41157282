package dev.pausable.controlplane.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What /v3/api-docs and /swagger-ui.html say about the API as a whole; the paths come from the controllers. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI pausableTrainingApi() {
        return new OpenAPI().info(new Info()
                .title("Pausable training control plane")
                .version("v1")
                .license(new License().name("Apache-2.0"))
                .description("""
                        Create training and synthetic-data jobs, pause a running training job at its next epoch \
                        boundary, resume it from its verified checkpoint, cancel or delete it, and read its metrics, \
                        audit trail and checkpoints. Errors are RFC 9457 problem details \
                        (application/problem+json) whose `detail` is the message to show; the `X-Actor` header \
                        names the operator in the audit trail. Live changes: WebSocket /ws."""));
    }
}
