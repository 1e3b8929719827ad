package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.spi.Codec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.HexFormat;

/** Renders stored values for the {@link Inspector}: as the codec's JSON, or as text (hex when not UTF-8). */
final class ValueRenderer {
    /** Longest rendering of a value in a listing or journal step; state entries show values whole. */
    static final int MAX_RENDERED = 2_000;

    private final Codec codec;

    /** @param codec the application's codec, or null to render values as text */
    ValueRenderer(Codec codec) {
        this.codec = codec;
    }

    /** {@code bytes} rendered and cut to {@value #MAX_RENDERED} characters. */
    String brief(byte[] bytes) {
        return render(bytes, MAX_RENDERED);
    }

    /** {@code bytes} rendered whole. */
    String whole(byte[] bytes) {
        return render(bytes, Integer.MAX_VALUE);
    }

    private String render(byte[] bytes, int max) {
        String text;
        if (codec != null) {
            text = codec.toJson(bytes);
        } else {
            try {
                text = UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                text = "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " characters)";
    }
}
