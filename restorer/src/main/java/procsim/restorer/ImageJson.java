package procsim.restorer;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The image's JSON form (docs/image-format.md): read strictly, so a damaged image is refused with
 * one line naming the field: every field present, none unknown, numbers as numbers, no trailing
 * text; then the format and version checked before anything else.
 */
public final class ImageJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ImageJson() {
    }

    /** {@code image} as indented JSON, with a final newline. */
    public static String toJson(Image image) {
        try {
            return MAPPER.writeValueAsString(image) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an image always serializes", e);
        }
    }

    /**
     * Reads an image; ImageException with one line saying what is wrong. One pass straight into
     * the records; only when that fails is the text read again as a tree, to say first whether it
     * is an image of this version at all.
     */
    public static Image read(InputStream in) throws ImageException, IOException {
        byte[] bytes = in.readAllBytes();
        Image image;
        try {
            image = MAPPER.readValue(bytes, Image.class);
        } catch (JsonMappingException e) {
            checkHeader(bytes);
            throw new ImageException("bad image: " + where(e) + ": " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            checkHeader(bytes);
            throw new ImageException("not a procsim image (not JSON: " + firstLine(e.getOriginalMessage()) + ")");
        }
        if (!Image.FORMAT.equals(image.format())) {
            throw new ImageException("not a procsim image (no \"format\": \"" + Image.FORMAT + "\")");
        }
        if (image.version() != Image.VERSION) throw unsupported(String.valueOf(image.version()));
        return image;
    }

    private static ImageException unsupported(String version) {
        return new ImageException("image version " + version + " is not supported (this procsim reads version " + Image.VERSION + ")");
    }

    /** Throws if {@code bytes} is not an object with this format and version. */
    private static void checkHeader(byte[] bytes) throws ImageException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new ImageException("not a procsim image (not JSON: " + firstLine(e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage()) + ")");
        }
        if (tree == null || !tree.isObject() || !Image.FORMAT.equals(tree.path("format").asText(null))) {
            throw new ImageException("not a procsim image (no \"format\": \"" + Image.FORMAT + "\")");
        }
        JsonNode v = tree.get("version");
        if (v == null || !v.isInt() || v.intValue() != Image.VERSION) throw unsupported(String.valueOf(v));
    }

    /** The field's path, {@code processes[3].nspid[0]}. */
    private static String where(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) b.append('[').append(r.getIndex()).append(']');
        }
        return b.length() == 0 ? "the image" : b.toString();
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
