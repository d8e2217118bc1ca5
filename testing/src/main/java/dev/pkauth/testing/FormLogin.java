package dev.pkauth.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sign-in at {@code /login} as a browser makes it: the form first (its hidden {@code _csrf}
 * field sent back when it has one, as Spring Security's does), then the POST of {@code username}
 * and {@code password} from the same origin, on {@code client}'s cookie jar.
 *
 * @param formStatus the status of the form's GET
 * @param csrfSent whether the form had a {@code _csrf} field, sent back with the POST
 * @param post the POST's answer (a redirect when signed in)
 */
public record FormLogin(int formStatus, boolean csrfSent, HttpResponse<String> post) {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    public static FormLogin submit(HttpClient client, URI base, String user, String password) throws Exception {
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(base.resolve("/login")).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(form.body());
        boolean found = csrf.find();
        String body = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + (found ? "&_csrf=" + URLEncoder.encode(csrf.group(1) != null ? csrf.group(1) : csrf.group(2), StandardCharsets.UTF_8) : "");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base.getScheme() + "://" + base.getAuthority())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new FormLogin(form.statusCode(), found, post);
    }
}
