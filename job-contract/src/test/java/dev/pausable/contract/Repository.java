package dev.pausable.contract;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository these tests hold the other modules' sources to (system property {@code repositoryRoot}). */
final class Repository {

    private Repository() {
    }

    static Path root() {
        String root = System.getProperty("repositoryRoot");
        if (root == null) {
            throw new IllegalStateException("Set -DrepositoryRoot (the POM does) to the repository's top directory");
        }
        Path path = Path.of(root).toAbsolutePath().normalize();
        if (!Files.isDirectory(path.resolve("db/migration"))) {
            throw new IllegalStateException(path + " is not the repository's top directory");
        }
        return path;
    }
}
