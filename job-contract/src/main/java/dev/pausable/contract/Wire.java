package dev.pausable.contract;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** The lower-case names under which the contract's enums are stored in SQL and shown in JSON. */
public final class Wire {

    private Wire() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        for (E constant : type.getEnumConstants()) {
            if (of(constant).equals(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("Unknown " + what + " '" + value + "'");
    }

    /** The wire names of some constants, for an SQL {@code IN (…)} parameter. */
    public static List<String> names(Collection<? extends Enum<?>> values) {
        return values.stream().map(Wire::of).toList();
    }

    /** {@code 'a' or 'b'}: the accepted values, for an error message. */
    public static String alternatives(Enum<?>[] values) {
        return String.join(" or ", Arrays.stream(values).map(value -> "'" + of(value) + "'").toList());
    }

    /** {@code 'a', 'b'}: a literal SQL list of wire names (the names are ours, never a caller's). */
    public static String sqlList(Collection<? extends Enum<?>> values) {
        return String.join(", ", values.stream().map(value -> "'" + of(value) + "'").toList());
    }
}
