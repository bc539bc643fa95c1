// What every parser of user or operator input returns: the parsed value, or a
// message that says what is expected (shown next to the field or at start-up).
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };
