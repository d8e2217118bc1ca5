package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pkauth.ApiKeyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The consumer's own test: its protected resource answers 401, 403 and 200 over real HTTP. */
class DocsApiTest {
    @Test
    void theDocsNeedAKeyWithDocsRead() throws Exception {
        Path dir = Files.createTempDirectory("docs-api");
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + dir.resolve("keys.db"))
                .pepper("a-long-random-server-secret").build()) {
            Server server = DocsApi.start(store, 0);
            try {
                URI docs = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/docs");
                HttpClient http = HttpClient.newHttpClient();
                String reader = store.create("alice", "CI", List.of("docs:read"), null).token();
                String other = store.create("alice", "other", List.of("billing:read"), null).token();

                HttpResponse<String> none = http.send(HttpRequest.newBuilder(docs).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, none.statusCode());
                assertEquals("Bearer realm=\"api\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
                HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(docs).header("Authorization", "Bearer " + other).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(403, wrong.statusCode());
                HttpResponse<String> ok = http.send(HttpRequest.newBuilder(docs).header("Authorization", "Bearer " + reader).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ok.statusCode());
                assertTrue(ok.body().contains("docs of alice"), ok.body());
            } finally {
                server.stop();
            }
        }
    }
}
