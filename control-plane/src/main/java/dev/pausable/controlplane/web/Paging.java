package dev.pausable.controlplane.web;

import java.util.OptionalLong;

/** {@code limit} (1..500, default 50) and {@code offset} (>= 0, default 0) of a list request. */
public record Paging(int limit, int offset) {

    public static Paging of(Integer limit, Integer offset) {
        return of(limit, offset, 50, 500);
    }

    /** A job's history (metrics, events, checkpoints): longer pages, as charts and audit trails want them whole. */
    public static Paging ofHistory(Integer limit, Integer offset) {
        return of(limit, offset, 1000, 10_000);
    }

    private static Paging of(Integer limit, Integer offset, int defaultLimit, int maxLimit) {
        int l = limit == null ? defaultLimit : limit;
        int o = offset == null ? 0 : offset;
        if (l < 1 || l > maxLimit) {
            throw new InvalidFieldException("limit", "must be between 1 and " + maxLimit);
        }
        if (o < 0) {
            throw new InvalidFieldException("offset", "must not be negative");
        }
        return new Paging(l, o);
    }

    /**
     * How many rows there are in all, when this page's own rows tell: a short page is the last one (an
     * empty page past the end tells nothing); else empty, and the rows must be counted.
     */
    public OptionalLong totalFrom(int rowsOnPage) {
        return rowsOnPage < limit && (offset == 0 || rowsOnPage > 0)
                ? OptionalLong.of((long) offset + rowsOnPage)
                : OptionalLong.empty();
    }
}
