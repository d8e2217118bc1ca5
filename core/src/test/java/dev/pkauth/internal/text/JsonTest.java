package dev.pkauth.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsEveryKindOfValueAndWritesItBack() {
        String text = " {\"s\":\"a\\\"b\\\\c\\u00e9\\n\",\"n\":-12.5e1,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,[],{}]} ";
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(text);
        assertThat(m).containsEntry("s", "a\"b\\c\u00e9\n").containsEntry("n", new BigDecimal("-12.5e1"))
                .containsEntry("t", true).containsEntry("f", false).containsEntry("z", null);
        assertThat(m.get("a")).isEqualTo(List.of(new BigDecimal("1"), List.of(), Map.of()));
        assertThat(Json.write(m)).isEqualTo("{\"s\":\"a\\\"b\\\\c\u00e9\\u000a\",\"n\":-125,\"t\":true,\"f\":false,"
                + "\"z\":null,\"a\":[1,[],{}]}");
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("metadata", new Json.Raw("{\"plan\":\"pro\"}"));
        assertThat(Json.write(raw)).isEqualTo("{\"metadata\":{\"plan\":\"pro\"}}");
    }

    @Test
    void refusesWhatIsNotExactlyOneValueNamingThePositionNotTheInput() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1}{}", "01", "1.", "\"\\x\"", "\"a\u0001\"",
                "tru", "{a:1}", "\"open", "-", "1e")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Json.parse("{\"secret\":1,\"secret\":2}"))
                .hasMessage("a repeated member name at position 12").hasMessageNotContaining("secret");
    }

    @Test
    void capsDepthAndNumberLengthSoHostileInputCannotExhaustTheStackOrTheHeap() {
        char[] open = new char[10_000];
        Arrays.fill(open, '[');
        assertThatThrownBy(() -> Json.parse(new String(open))).hasMessageContaining("nested deeper than 32");
        assertThatThrownBy(() -> Json.parse("1".repeat(41))).hasMessageContaining("longer than 40");
    }

    @Test
    void refusesNumbersNoDoubleCanHoldSoEveryReaderSeesTheSameValue() {
        for (String huge : List.of("1e999999999", "-1e309", "1e99999999999", "{\"n\":2e400}")) {
            assertThatThrownBy(() -> Json.parse(huge)).as(huge).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at position");
        }
        assertThat(Json.parse("1.7e308")).isEqualTo(new BigDecimal("1.7e308"));
        assertThat(Json.parse("1e-400")).as("underflow reads as 0 everywhere alike").isEqualTo(new BigDecimal("1e-400"));
    }

    @Test
    void objectProblemSaysWhetherTextIsOneObject() {
        assertThat(Json.objectProblem(" {\"plan\":\"pro\"} ")).isNull();
        assertThat(Json.objectProblem("[1]")).isEqualTo("it must start with {");
        assertThat(Json.objectProblem("{\"a\":}")).isEqualTo("unexpected character at position 5");
    }
}
