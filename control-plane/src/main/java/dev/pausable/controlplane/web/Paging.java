package dev.pausable.controlplane.web;

/** {@code limit} (1..500, default 50) and {@code offset} (>= 0, default 0) of a list request. */
public record Paging(int limit, int offset) {

    public static Paging of(Integer limit, Integer offset) {
        int l = limit == null ? 50 : limit;
        int o = offset == null ? 0 : offset;
        if (l < 1 || l > 500) {
            throw new InvalidFieldException("limit", "must be between 1 and 500");
        }
        if (o < 0) {
            throw new InvalidFieldException("offset", "must not be negative");
        }
        return new Paging(l, o);
    }
}
