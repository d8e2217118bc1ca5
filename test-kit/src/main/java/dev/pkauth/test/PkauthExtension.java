package dev.pkauth.test;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.ApiKeyStoreBuilder;
import dev.pkauth.IssuedKey;
import dev.pkauth.KeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real {@link ApiKeyStore} for each test, and keys minted in it with the scopes a case needs.
 *
 * <pre>{@code
 * @RegisterExtension
 * static PkauthExtension pkauth = PkauthExtension.sqlite();
 *
 * @Test
 * void readersMayRead() throws Exception {
 *     Server server = MyApp.start(pkauth.store(), 0);
 *     HttpRequest get = HttpRequest.newBuilder(uri("/docs")).header("Authorization", pkauth.bearer("docs:read")).build();
 *     ...
 * }
 * }</pre>
 *
 * Each test gets a store of its own, opened before it and closed after it: in memory ({@link
 * #inMemory()}, also what {@code @ExtendWith(PkauthExtension.class)} gives), on a SQLite file in a
 * directory of its own ({@link #sqlite()}), or on a table of its own in a database the test names
 * ({@link #jdbcUrl}: a PostgreSQL the build starts, say). A test method may also take the
 * {@code ApiKeyStore} or this extension as a parameter.
 */
public final class PkauthExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** The pepper of the stores this extension makes, unless {@link #pepper} says otherwise: for tests only. */
    public static final String TEST_PEPPER = "pkauth-test-pepper-for-tests-only-0123456789";
    private static final AtomicInteger TABLES = new AtomicInteger();

    private enum Kind { MEMORY, SQLITE, JDBC }

    private final Kind kind;
    private final @Nullable String jdbcUrl;
    private @Nullable String user;
    private @Nullable String password;
    private String pepper = TEST_PEPPER;
    private Consumer<ApiKeyStoreBuilder> customizer = b -> {};
    private @Nullable ApiKeyStore store;
    private @Nullable Path directory;

    private PkauthExtension(Kind kind, @Nullable String jdbcUrl) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
    }

    /** For {@code @ExtendWith(PkauthExtension.class)}: a store in memory. */
    public PkauthExtension() {
        this(Kind.MEMORY, null);
    }

    /**
     * A store in memory for each test: the fastest, and the same verification as on a database.
     *
     * @return the extension
     */
    public static PkauthExtension inMemory() {
        return new PkauthExtension(Kind.MEMORY, null);
    }

    /**
     * A store on a SQLite file of its own for each test, deleted after it: pkauth's embedded default.
     *
     * @return the extension
     */
    public static PkauthExtension sqlite() {
        return new PkauthExtension(Kind.SQLITE, null);
    }

    /**
     * A store on {@code url} (a PostgreSQL the build starts, say), in a table of its own for each
     * test ({@code pkauth_test_<pid>_<n>}, left in the database afterwards).
     *
     * @param url the JDBC URL ({@code jdbc:postgresql://…} or {@code jdbc:sqlite:…})
     * @return the extension
     */
    public static PkauthExtension jdbcUrl(String url) {
        return new PkauthExtension(Kind.JDBC, Objects.requireNonNull(url, "url"));
    }

    /**
     * The database user and password of {@link #jdbcUrl}.
     *
     * @param user the user
     * @param password the password, or {@code null} for none (a server that trusts local connections)
     * @return this extension
     */
    public PkauthExtension credentials(String user, @Nullable String password) {
        this.user = Objects.requireNonNull(user, "user");
        this.password = password;
        return this;
    }

    /**
     * The pepper the stores hash keys under ({@link #TEST_PEPPER} by default): the application's
     * own, when the test hands its keys to a server that reads the same database with it.
     *
     * @param pepper the pepper
     * @return this extension
     */
    public PkauthExtension pepper(String pepper) {
        this.pepper = Objects.requireNonNull(pepper, "pepper");
        return this;
    }

    /**
     * Adjusts each store's builder further (a clock, a key policy, a default rate limit).
     *
     * @param customizer called with the builder before each store is built
     * @return this extension
     */
    public PkauthExtension customize(Consumer<ApiKeyStoreBuilder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        ApiKeyStoreBuilder b = ApiKeyStore.builder().pepper(pepper);
        switch (kind) {
            case MEMORY -> b.inMemory();
            case SQLITE -> {
                Path dir = Files.createTempDirectory("pkauth-test");
                directory = dir;
                b.jdbcUrl("jdbc:sqlite:" + dir.resolve("keys.db"));
            }
            case JDBC -> {
                b.jdbcUrl(Objects.requireNonNull(jdbcUrl)).table("pkauth_test_" + ProcessHandle.current().pid() + "_"
                        + TABLES.incrementAndGet());
                if (user != null) b.credentials(user, password == null ? "" : password);
            }
        }
        customizer.accept(b);
        store = b.build();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        ApiKeyStore s = store;
        store = null;
        if (s != null) s.close();
        Path dir = directory;
        directory = null;
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The current test's store.
     *
     * @return the store
     * @throws IllegalStateException outside a test
     */
    public ApiKeyStore store() {
        ApiKeyStore s = store;
        if (s == null) throw new IllegalStateException("PkauthExtension has a store only while a test runs");
        return s;
    }

    /**
     * Mints a key for the user {@code test-user} with {@code scopes}.
     *
     * @param scopes the scopes it holds (none: a key that may only call routes without a scope)
     * @return the key's token (send it as {@code Bearer <token>}) and metadata
     */
    public IssuedKey mint(String... scopes) {
        return mint("test-user", KeySpec.of("test", List.of(scopes)));
    }

    /**
     * Mints a key as {@code spec} describes it.
     *
     * @param userId the owner
     * @param spec name, scopes, expiry, limits, metadata, allowed addresses
     * @return the key's token and metadata
     */
    public IssuedKey mint(String userId, KeySpec spec) {
        return store().create(userId, spec);
    }

    /**
     * The {@code Authorization} header value of a new key with {@code scopes}, for any HTTP client.
     *
     * @param scopes the scopes it holds
     * @return {@code Bearer <token>}
     */
    public String bearer(String... scopes) {
        return "Bearer " + mint(scopes).token();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ApiKeyStore.class || type == PkauthExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ApiKeyStore.class ? store() : this;
    }

    @Override
    public String toString() {
        return "PkauthExtension[" + kind.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
