package dev.mu2sls;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Captures a generic type for persistent state, e.g. {@code new TypeRef<List<Review>>() {}}.
 *
 * @param <T> the captured type
 */
public abstract class TypeRef<T> {
    private final Type type;

    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new IllegalArgumentException(
                    "TypeRef must be created with a type argument, e.g. new TypeRef<List<String>>() {}");
        }
        this.type = parameterized.getActualTypeArguments()[0];
    }

    /** The captured type. */
    public final Type type() {
        return type;
    }
}
