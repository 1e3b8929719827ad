package dev.mu2sls.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON form of {@link dev.mu2sls.core.Inspector}'s views (records to objects, times as ISO-8601
 * strings), one for the gateway's console and the admin commands' {@code --json}.
 */
public final class InspectionJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private InspectionJson() {}

    /** {@code view} (an inspector's record, or a list or map of them) as JSON text. */
    public static String write(Object view) {
        try {
            return MAPPER.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot render " + view.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
