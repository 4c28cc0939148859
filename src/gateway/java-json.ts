/**
 * JSON for the JVM with every non-ASCII character escaped (\uXXXX): java-bridge moves strings
 * through JNI's modified UTF-8, which mangles characters outside the BMP (emoji). The Java side
 * writes its JSON the same way (Json.MAPPER), so text of any script round-trips intact.
 */
export function toJavaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
