package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.metrics.StoreMetrics;

import dev.pkauth.PkauthException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code last_used_at} off the request thread: at most one write per key per interval,
 * coalesced into batches on the given executor. A failed batch is kept and retried with the next
 * one; the failure is logged once per burst, never on the request thread.
 */
public final class TouchWriter {
    private static final Logger log = LoggerFactory.getLogger(TouchWriter.class);
    /** Past this many remembered keys, entries older than the interval are forgotten. */
    private static final int PRUNE_THRESHOLD = 100_000;

    private final UseLog repository;
    private final Executor executor;
    private final long intervalSeconds;
    /** When this process last queued a write for each key (Unix seconds). */
    private final ConcurrentHashMap<String, Long> lastQueued = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Touch> pending = new ConcurrentHashMap<>();

    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile boolean closed;

    private final StoreMetrics metrics;

    public TouchWriter(UseLog repository, Executor executor, long intervalSeconds, StoreMetrics metrics) {
        this.metrics = metrics;
        this.repository = repository;
        this.executor = executor;
        this.intervalSeconds = intervalSeconds;
    }

    /** Notes a successful use of {@code key} at {@code now} from {@code ip}; cheap when debounced. */
    public void used(KeyRecord key, long now, @Nullable String ip) {
        Long stored = key.lastUsedAt();
        if (stored != null && now - stored < intervalSeconds) return;
        Long queued = lastQueued.get(key.id());
        if (queued != null && now - queued < intervalSeconds) return;
        boolean[] accepted = {false};
        lastQueued.compute(key.id(), (id, prev) -> {
            if (prev != null && now - prev < intervalSeconds) return prev;
            accepted[0] = true;
            return now;
        });
        if (!accepted[0] || closed) return;
        pending.merge(key.id(), new Touch(now, ip), Touch::later);
        schedule();
    }

    /** Runs {@code task} on the writer's executor, logging instead of throwing. */
    public void submit(String what, Runnable task) {
        if (closed) return;
        executor.execute(() -> {
            try {
                task.run();
            } catch (dev.pkauth.StoreReadOnlyException e) {
                log.debug("pkauth: could not {}: {}", what, e.getMessage()); // the store logged the ERROR once
            } catch (PkauthException e) {
                log.warn("pkauth: could not {}: {}", what, e.getMessage());
            }
        });
    }

    private void schedule() {
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::flush);
            } catch (RuntimeException rejected) {
                flushScheduled.set(false);
                log.debug("pkauth: touch flush not scheduled: {}", rejected.toString());
            }
        }
    }

    /** Writes everything pending now, on the calling thread. */
    public void flush() {
        flushScheduled.set(false);
        if (pending.isEmpty()) return;
        Map<String, Touch> batch = new HashMap<>();
        for (String id : pending.keySet()) {
            Touch t = pending.remove(id);
            if (t != null) batch.put(id, t);
        }
        if (batch.isEmpty()) return;
        try {
            repository.touch(batch);
            metrics.touched(batch.size());
            if (failing.compareAndSet(true, false)) log.info("pkauth: last_used_at writes are succeeding again");
        } catch (PkauthException e) {
            batch.forEach((id, t) -> pending.merge(id, t, Touch::later));
            if (failing.compareAndSet(false, true) && !(e instanceof dev.pkauth.StoreReadOnlyException)) {
                log.warn("pkauth: could not record last_used_at for {} key(s), will retry: {}", batch.size(), e.getMessage());
            }
        }
        if (lastQueued.size() > PRUNE_THRESHOLD) {
            long newest = batch.values().stream().mapToLong(Touch::at).max().orElse(0);
            lastQueued.values().removeIf(at -> newest - at >= intervalSeconds);
        }
    }

    /** Stops accepting touches and writes what is pending on the calling thread. */
    public void close() {
        closed = true;
        flush();
    }
}
