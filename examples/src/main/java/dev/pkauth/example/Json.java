package dev.pkauth.example;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pkauth.ApiKeyPrincipal;
import java.util.LinkedHashMap;
import java.util.Map;

/** One strict JSON mapper for the example: unknown fields are errors, not silently dropped. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"user_id":…,"key_id":…,"scopes":[…]}} */
    static Map<String, Object> whoami(ApiKeyPrincipal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", p.userId());
        m.put("key_id", p.keyId());
        m.put("scopes", p.scopes());
        return m;
    }

    /** What is wrong with a request body, in the client's terms (no Java class names). */
    static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            return "unknown field \"" + u.getPropertyName() + "\"";
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = m.getPath().get(m.getPath().size() - 1).getFieldName();
            return field == null ? "a value has the wrong type" : "field \"" + field + "\" has the wrong type";
        }
        return "the body is not valid JSON";
    }

    static String error(String error, String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("error_description", description);
        return write(m);
    }
}
