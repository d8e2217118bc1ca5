package dev.pkauth.example;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.ConsoleWalkThrough;
import dev.pkauth.testing.ExampleProcess;
import dev.pkauth.testing.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The keys page of the packaged Jetty example in Chromium, on each database ({@link ConsoleWalkThrough}). */
class ConsoleBrowserIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aSignedInUserManagesKeysInThePage(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        ExampleProcess app = ExampleProcess.start(System.getProperty("example.jar"), db, Map.of(), dir);
        try (ConsoleWalkThrough walk = new ConsoleWalkThrough(app, db,
                Path.of("target", "console-" + backend.name().toLowerCase() + ".png"))) {
            walk.walk();
        } finally {
            app.stop();
        }
    }
}
