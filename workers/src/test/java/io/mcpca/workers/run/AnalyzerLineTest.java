package io.mcpca.workers.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnalyzerLineTest {

    /** Strings with braces, brackets, quotes, escapes and non-ASCII text: what a naive scan would trip on. */
    private static final String TRICKY = "{\"path\":\"a/{b}[c].java\",\"said\":\"he said \\\"}{\\\" \\\\ ok\","
            + "\"u\":\"\u00e9t\u00e9 \u2603 \uD83D\uDE00\",\"n\":[1,-2.5e3,{\"x\":\"]\"},[]],\"esc\":\"\\u00e9\\n\\t\\/\","
            + "\"t\":true,\"f\":null}";

    private static Optional<AnalyzerLine> read(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return AnalyzerLine.read(bytes, 0, bytes.length);
    }

    @Test
    void aResultIsTakenAsTheExactBytesOfItsValueWhateverItHolds() {
        AnalyzerLine line = read("{\"id\":\"r1\",\"type\":\"result\",\"result\":" + TRICKY + "}").orElseThrow();
        assertThat(line.id()).isEqualTo("r1");
        assertThat(line.type()).isEqualTo("result");
        assertThat(line.json("result").orElseThrow().utf8()).isEqualTo(TRICKY.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fieldsAreFoundInAnyOrderAndAroundWhitespace() {
        AnalyzerLine line = read(" { \"result\" : " + TRICKY + " , \"type\" :\"result\",\t\"id\": \"r\\u0031\" } ")
                .orElseThrow();
        assertThat(line.id()).isEqualTo("r1");
        assertThat(line.type()).isEqualTo("result");
        assertThat(line.json("result").orElseThrow().text()).isEqualTo(TRICKY);
    }

    @Test
    void stringsAreUnescaped() {
        AnalyzerLine line = read("{\"message\":\"a \\\"b\\\" \\\\ c\\n\\u00e9 \u2603\"}").orElseThrow();
        assertThat(line.string("message")).contains("a \"b\" \\ c\n\u00e9 \u2603");
    }

    @Test
    void progressCountsAndAnErrorObjectAreRead() {
        AnalyzerLine progress = read("{\"id\":\"r1\",\"type\":\"progress\",\"progress\":3,\"total\":10.0,\"message\":\"x\"}")
                .orElseThrow();
        assertThat(progress.number("progress")).isEqualTo(3);
        assertThat(progress.number("total")).isEqualTo(10);
        assertThat(progress.number("missing")).isZero();

        AnalyzerLine error = read("{\"id\":\"r1\",\"type\":\"error\",\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no \\\"A\\\"\"}}")
                .orElseThrow();
        AnalyzerLine inner = error.object("error").orElseThrow();
        assertThat(inner.string("code")).contains("NOT_FOUND");
        assertThat(inner.string("message")).contains("no \"A\"");
    }

    @Test
    void cacheLinesGiveTheirKeysAndEntryTexts() {
        AnalyzerLine lookup = read("{\"id\":\"r1\",\"type\":\"cacheLookup\",\"keys\":[\"v1:ab\", \"v1:cd\"]}").orElseThrow();
        assertThat(lookup.strings("keys")).containsExactly("v1:ab", "v1:cd");
        AnalyzerLine store = read("{\"id\":\"r1\",\"type\":\"cacheStore\",\"entries\":{\"v1:ab\":{\"n\":1.50},\"v1:cd\":"
                + TRICKY + "}}").orElseThrow();
        assertThat(store.texts("entries")).contains(Map.of("v1:ab", "{\"n\":1.50}", "v1:cd", TRICKY));
        assertThat(store.strings("entries")).isEqualTo(List.of());
    }

    @Test
    void whatIsNotOneObjectIsRefused() {
        assertThat(read("not json")).isEmpty();
        assertThat(read("{\"id\":\"r1\"")).isEmpty();
        assertThat(read("{\"id\":\"r1\"} trailing")).isEmpty();
        assertThat(read("{\"id\":\"r1\",}")).isEmpty();
        assertThat(read("{\"result\":{\"a\":\"unterminated}}")).isEmpty();
        assertThat(read("{}")).isPresent();
    }
}
