package dev.pausable.controlplane.web;

import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The dashboard's pages are static files; a job's page has its own address for links and bookmarks. */
@Controller
class DashboardController {

    @GetMapping("/jobs/{id}")
    String job(@PathVariable UUID id) {
        return "forward:/job.html";
    }
}
