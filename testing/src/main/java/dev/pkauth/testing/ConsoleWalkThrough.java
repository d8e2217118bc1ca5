package dev.pkauth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The keys page in a real browser (Debian's chromium, headless, through chromedriver) against a
 * packaged example (Jetty or Spring), one walk for both: sign in at {@code /login} as {@code demo}
 * with the printed password, create a key, use it over HTTP, see it used, rotate it, revoke it,
 * at a phone's width too; a page on another origin cannot make keys; the token is nowhere after
 * the dialog. The example modules run it on each database; Selenium and axe-core are theirs.
 */
public final class ConsoleWalkThrough implements AutoCloseable {
    /**
     * The walk on SQLite and PostgreSQL against the packaged example named by the system property
     * {@code example.jar}, a screenshot in {@code target/console-<database>.png}: an example
     * module's browser suite is a class that extends this and nothing more.
     */
    public abstract static class OnEachDatabase {
        @TempDir
        Path dir;

        @ParameterizedTest
        @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
        void aSignedInUserManagesKeysInThePage(Backend backend) throws Exception {
            TestDatabase db = TestDatabase.create(backend, dir);
            ExampleProcess app = ExampleProcess.start(System.getProperty("example.jar"), db, java.util.Map.of(), dir);
            try (ConsoleWalkThrough walk = new ConsoleWalkThrough(app, db,
                    Path.of("target", "console-" + backend.name().toLowerCase(java.util.Locale.ROOT) + ".png"))) {
                walk.walk();
            } finally {
                app.stop();
            }
        }
    }

    private final ExampleProcess app;
    private final TestDatabase db;
    private final Path screenshot;
    private ChromeDriver browser;
    private com.sun.net.httpserver.HttpServer evil;

    /**
     * @param app the example, started on {@code db}
     * @param db its database
     * @param screenshot where to save a picture of the page with a new token shown
     */
    public ConsoleWalkThrough(ExampleProcess app, TestDatabase db, Path screenshot) {
        this.app = app;
        this.db = db;
        this.screenshot = screenshot;
    }

    @Override
    public void close() {
        if (browser != null) browser.quit();
        if (evil != null) evil.stop(0);
    }

    static ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    WebDriverWait await() {
        // The list is redrawn after each change: an element read mid-redraw is stale, so look again.
        return (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    WebElement button(String name) {
        return browser.findElements(By.tagName("button")).stream().filter(b -> b.isDisplayed() && b.getText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no visible button \"" + name + "\""));
    }

    WebElement rowOf(String name) {
        return await().until(d -> d.findElements(By.cssSelector("#pkauth-keys tbody tr")).stream()
                .filter(r -> r.getText().contains(name)).findFirst().orElse(null));
    }

    /** axe-core's automated accessibility rules on what the page shows now: no serious or critical violation. */
    void accessible(String what) {
        com.deque.html.axecore.results.Results results = new com.deque.html.axecore.selenium.AxeBuilder().analyze(browser);
        assertThat(results.getViolations()).as("axe-core violations on " + what)
                .filteredOn(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
                .extracting(v -> v.getId() + ": " + v.getHelp()).isEmpty();
        assertThat(results.getPasses()).as("axe-core ran its rules on " + what).isNotEmpty();
    }

    void noConsoleErrors(String step) {
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors after: " + step).isEmpty();
    }

    /** The whole walk; any step that does not hold fails it. */
    public void walk() throws Exception {
        String password = app.printedPassword().orElseThrow(() -> new AssertionError("no demo password printed: " + app.stdout()));
        String othersPrefix;
        try (ApiKeyStore direct = db.builder().build()) {
            othersPrefix = direct.create("bob", "bob's key", List.of("docs:read"), null).key().prefix();
        }
        browser = chromium();
        String base = app.base().toString();

        // Not signed in: the page sends the browser to the form.
        browser.get(base + "/account/keys");
        await().until(ExpectedConditions.urlToBe(base + "/login"));
        browser.findElement(By.id("username")).sendKeys("demo");
        browser.findElement(By.id("password")).sendKeys("wrong");
        button("Sign in").click();
        // The Jetty example's form says so itself; Spring Security 7's form login, "Invalid credentials".
        await().until(d -> d.findElement(By.tagName("body")).getText().matches("(?s).*(Wrong username or password|Invalid credentials|Bad credentials).*"));
        // The only error allowed: the Jetty form's 401 for the wrong password. Reading the log drains it.
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                .filteredOn(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .allSatisfy(e -> assertThat(e.getMessage()).contains("/login", "401"));
        browser.findElement(By.id("username")).sendKeys("demo");
        browser.findElement(By.id("password")).sendKeys(password);
        button("Sign in").click();
        await().until(ExpectedConditions.urlToBe(base + "/account/keys"));
        // The demo key (minted at start for user demo) is listed; bob's is not.
        rowOf("demo key");
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain(othersPrefix, "bob's key");
        accessible("the list");
        noConsoleErrors("sign-in and list");

        // Create a key with one scope; the token is shown once.
        button("Create key").click();
        accessible("the create dialog");
        browser.findElement(By.id("pkauth-name")).sendKeys("laptop");
        browser.findElement(By.cssSelector("#pkauth-scopes input[value='docs:read']")).click();
        button("Create").click();
        WebElement tokenBox = await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-pkauth-token]")));
        String token = tokenBox.getText();
        accessible("the shown-once token");
        assertThat(token).matches("pk\\.key_[A-Za-z0-9_-]{32}\\.[A-Za-z0-9_-]{43}");
        button("Copy").click();
        await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("pkauth-copied"), "opied"));
        Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
        button("I have copied it").click();
        String secret = token.substring(token.lastIndexOf('.') + 1);
        await().until(d -> !d.getPageSource().contains(secret));
        assertThat(browser.getPageSource()).as("the token is gone from the page").doesNotContain(secret);
        JavascriptExecutor js = browser;
        assertThat(String.valueOf(js.executeScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href")))
                .doesNotContain(secret);
        noConsoleErrors("create");

        // The token works over HTTP, within its scope.
        assertThat(app.call("GET", "/api/docs", token, null).statusCode()).isEqualTo(200);
        assertThat(app.call("POST", "/api/docs", token, "{\"title\":\"x\"}").statusCode()).as("no docs:write").isEqualTo(403);

        // After a reload the list says when it was last used (recorded off the request thread: await it).
        await().until(d -> {
            d.navigate().refresh();
            return rowOf("laptop").getText().contains(" ago");
        });
        assertThat(rowOf("laptop").getText()).contains("docs:read", "active");

        // Rotate with an hour's overlap: both tokens work; then revoke the new one in the page.
        rowOf("laptop").findElements(By.tagName("button")).stream().filter(b -> b.getText().equals("Rotate")).findFirst().orElseThrow().click();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("pkauth-overlap"))).selectByValue("3600");
        button("Rotate now").click();
        String successor = await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-pkauth-token]"))).getText();
        button("I have copied it").click();
        assertThat(successor).isNotEqualTo(token);
        assertThat(app.call("GET", "/api/docs", token, null).statusCode()).as("old, during the overlap").isEqualTo(200);
        assertThat(app.call("GET", "/api/docs", successor, null).statusCode()).isEqualTo(200);
        String oldPrefix = token.substring(0, 16);
        WebElement oldRow = await().until(d -> d.findElements(By.cssSelector("#pkauth-keys tbody tr")).stream()
                .filter(r -> r.getText().contains(oldPrefix)).findFirst().orElse(null));
        assertThat(oldRow.getText()).as("the old key, during its overlap").contains("rotated");
        assertThat(oldRow.findElements(By.tagName("button"))).extracting(WebElement::getText)
                .as("a rotated key is not rotated again").doesNotContain("Rotate").contains("Revoke");
        String successorPrefix = successor.substring(0, 16);
        WebElement row = await().until(d -> d.findElements(By.cssSelector("#pkauth-keys tbody tr")).stream()
                .filter(r -> r.getText().contains(successorPrefix)).findFirst().orElse(null));
        row.findElements(By.tagName("button")).stream().filter(b -> b.getText().equals("Revoke")).findFirst().orElseThrow().click();
        assertThat(browser.findElement(By.id("pkauth-revoke-name")).getText()).contains("laptop", successorPrefix);
        button("Revoke key").click();
        await().until(d -> d.findElements(By.cssSelector("#pkauth-keys tbody tr")).stream()
                .noneMatch(r -> r.getText().contains(successorPrefix)));
        assertThat(app.call("GET", "/api/docs", successor, null).statusCode()).as("revoked in the page").isEqualTo(401);
        noConsoleErrors("rotate and revoke");

        // At a phone's width the page still fits: nothing wider than the screen but the table's own scroller.
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        rowOf("demo key");
        assertThat(((Number) browser.executeScript("return document.documentElement.scrollWidth - window.innerWidth")).intValue())
                .as("no sideways scrolling of the page").isLessThanOrEqualTo(0);
        assertThat(button("Create key").isDisplayed()).isTrue();
        button("Create key").click();
        WebElement name = browser.findElement(By.id("pkauth-name"));
        assertThat(name.isDisplayed()).isTrue();
        assertThat(name.getRect().getX() + name.getRect().getWidth()).as("the dialog fits").isLessThanOrEqualTo(390);
        browser.findElement(By.id("pkauth-create-cancel")).click();
        accessible("the list at a phone's width");
        browser.manage().window().setSize(new Dimension(1280, 900));
        noConsoleErrors("a phone's width");

        // Another origin (a second loopback port) posts a form and a credentialed fetch: refused, nothing made.
        int before = keysOfDemo();
        evil = evilSite(base);
        browser.get("http://localhost:" + evil.getAddress().getPort() + "/");
        await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("done"), "done"));
        browser.get(base + "/account/keys");
        rowOf("demo key");
        assertThat(keysOfDemo()).as("no key made from another origin").isEqualTo(before);

        String logs = String.join("\n", app.stdout()) + Files.readString(app.stderr());
        assertThat(logs).as("no token in the server's logs").doesNotContain(secret, successor.substring(successor.lastIndexOf('.') + 1));
    }

    int keysOfDemo() throws Exception {
        HttpResponse<String> r = app.call("GET", "/api/keys?limit=100", app.demoKey(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().split("\"id\":").length - 1;
    }

    /** A page on another origin that tries, with the victim's cookies, a form POST and a credentialed fetch. */
    static com.sun.net.httpserver.HttpServer evilSite(String target) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 0);
        String page = """
                <!doctype html><html><body><p id="done"></p>
                <iframe name="sink" id="sink"></iframe>
                <form id="f" method="post" action="%1$s/api/keys" enctype="text/plain" target="sink">
                <input name='{"name":"csrf-form","x":"' value='"}'></form>
                <script>
                let left = 2;
                const one = () => { if (--left === 0) document.getElementById('done').textContent = 'done'; };
                document.getElementById('sink').addEventListener('load', one, {once: true});
                document.getElementById('f').submit();
                fetch('%1$s/api/keys', {method: 'POST', credentials: 'include', mode: 'no-cors',
                  headers: {'Content-Type': 'text/plain'}, body: '{"name":"csrf-fetch"}'}).catch(() => {}).finally(one);
                </script></body></html>
                """.formatted(target);
        server.createContext("/", x -> {
            byte[] b = page.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        return server;
    }
}
