package procsim.restorer;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The image's JSON form (docs/image-format.md): written by Jackson's databind from the records,
 * in their fields' order, indented; read strictly by {@link ImageReader}, so a damaged image is
 * refused with one line naming the field, after the format and version are checked.
 */
public final class ImageJson {
    /** Built on the first write only: databind's set-up costs a restore, which only reads, ~0.4 s of CPU. */
    private static final class Writer {
        static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    private ImageJson() {
    }

    /** {@code image} as indented JSON, with a final newline. */
    public static String toJson(Image image) {
        try {
            return Writer.MAPPER.writeValueAsString(image) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an image always serializes", e);
        }
    }

    /** Reads an image; ImageException with one line saying what is wrong. */
    public static Image read(InputStream in) throws ImageException, IOException {
        return ImageReader.read(in.readAllBytes());
    }
}
