package procsim.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What the short commands' start pays for: no class of the restorer concatenates strings by
 * invokedynamic (each such site's first run spins method-handle classes that no CDS archive
 * holds); the pom compiles them inline.
 */
class StartCostTest {
    @Test
    void noStringConcatenationByInvokedynamic() throws IOException, URISyntaxException {
        Path classes = Path.of(Restore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(f.toString()).doesNotContain("makeConcatWithConstants");
        }
    }
}
