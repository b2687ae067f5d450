package io.mcpca.workers.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<String> lines(InputStream in) throws IOException {
        LineReader reader = new LineReader(in);
        List<String> lines = new ArrayList<>();
        while (reader.next()) {
            lines.add(new String(reader.bytes(), reader.start(), reader.end() - reader.start(), StandardCharsets.UTF_8));
        }
        return lines;
    }

    @Test
    void linesLongerThanTheBufferAndSplitAcrossReadsComeWhole() throws IOException {
        String longLine = "\u00e9".repeat(3 * 1024 * 1024); // 6 MiB of two-byte characters
        byte[] all = ("a\r\n" + longLine + "\n\nlast").getBytes(StandardCharsets.UTF_8);
        // a stream that hands out at most 1000 bytes per read, as a pipe does in pieces
        InputStream trickling = new ByteArrayInputStream(all) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        assertThat(lines(trickling)).containsExactly("a", longLine, "", "last");
    }
}
