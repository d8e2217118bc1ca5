package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two stores (two pools, as two processes would have) writing one SQLite file at once. */
class SqliteConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void manyThreadsCreatingAndVerifyingOnOneFileLoseNothingAndNeverSeeBusy() throws Exception {
        int threads = 8;
        int perThread = 40;
        try (ApiKeyStore a = Backend.SQLITE.builderFor(dir, "keys").pepper("p").touchInterval(java.time.Duration.ZERO).maxKeysPerUser(1000).build();
             ApiKeyStore b = Backend.SQLITE.builderFor(dir, "keys").pepper("p").touchInterval(java.time.Duration.ZERO).maxKeysPerUser(1000).build()) {
            Set<String> tokens = ConcurrentHashMap.newKeySet();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ApiKeyStore store = t % 2 == 0 ? a : b;
                String user = "user" + (t % 3);
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        IssuedKey k = store.create(user, "k" + i, List.of("s"), null);
                        assertThat(store.verify(k.token()).isValid()).isTrue();
                        tokens.add(k.token());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(); // rethrows any StoreUnavailableException (SQLITE_BUSY)
            pool.shutdown();

            assertThat(tokens).hasSize(threads * perThread);
            int listed = a.list("user0").size() + a.list("user1").size() + a.list("user2").size();
            assertThat(listed).isEqualTo(threads * perThread);
            for (String token : tokens) assertThat(b.verify(token).isValid()).isTrue();
        }
    }
}
