package dev.tsflink.embedded;

import dev.tsflink.gateway.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * Maps stack frames of shipped code back to the user's TypeScript file and line, with the source map
 * that ships with the code (what src/worker/load-shipped.ts does with Node's SourceMap in process
 * mode). Only the v3 "mappings" decoding needed for that: VLQ segments per generated line.
 */
final class SourceMapping {
    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private final String filename;
    private final String[] sources;
    /** per generated line: segments of {generatedColumn, sourceIndex, originalLine, originalColumn} */
    private final List<List<int[]>> lines;

    private SourceMapping(String filename, String[] sources, List<List<int[]>> lines) {
        this.filename = filename;
        this.sources = sources;
        this.lines = lines;
    }

    static SourceMapping parse(String filename, String sourceMap) {
        if (sourceMap == null || sourceMap.isEmpty()) return new SourceMapping(filename, new String[0], List.of());
        try {
            JsonNode map = Json.parse(sourceMap);
            JsonNode src = map.path("sources");
            String[] sources = new String[src.size()];
            for (int i = 0; i < sources.length; i++) sources[i] = src.get(i).asText();
            return new SourceMapping(filename, sources, decode(map.path("mappings").asText("")));
        } catch (RuntimeException e) {
            return new SourceMapping(filename, new String[0], List.of());
        }
    }

    private static List<List<int[]>> decode(String mappings) {
        List<List<int[]>> out = new ArrayList<>();
        int source = 0, origLine = 0, origCol = 0;
        for (String line : mappings.split(";", -1)) {
            List<int[]> segs = new ArrayList<>();
            int genCol = 0;
            if (!line.isEmpty()) {
                for (String seg : line.split(",")) {
                    int[] v = vlq(seg);
                    if (v.length == 0) continue;
                    genCol += v[0];
                    if (v.length >= 4) {
                        source += v[1];
                        origLine += v[2];
                        origCol += v[3];
                        segs.add(new int[] {genCol, source, origLine, origCol});
                    }
                }
            }
            out.add(segs);
        }
        return out;
    }

    private static int[] vlq(String seg) {
        int[] vals = new int[5];
        int n = 0, value = 0, shift = 0;
        for (int i = 0; i < seg.length() && n < 5; i++) {
            int d = B64.indexOf(seg.charAt(i));
            if (d < 0) return new int[0];
            value += (d & 31) << shift;
            if ((d & 32) != 0) {
                shift += 5;
            } else {
                vals[n++] = (value & 1) != 0 ? -(value >>> 1) : (value >>> 1);
                value = 0;
                shift = 0;
            }
        }
        int[] r = new int[n];
        System.arraycopy(vals, 0, r, 0, n);
        return r;
    }

    /** "source:line:column" for a 1-based position in the shipped code, or null if unmapped. */
    String original(int line, int column) {
        if (line < 1 || line > lines.size()) return null;
        int[] best = null;
        for (int[] s : lines.get(line - 1)) {
            if (s[0] <= column - 1) best = s;
        }
        if (best == null || best[1] >= sources.length) return null;
        return sources[best[1]] + ":" + (best[2] + 1) + ":" + (best[3] + 1);
    }

    /** The stack with each frame in the shipped module replaced by its original position. */
    String mapStack(String stack) {
        if (lines.isEmpty()) return stack;
        Matcher m = Pattern.compile("/?" + Pattern.quote(filename) + ":(\\d+):(\\d+)").matcher(stack);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String orig = original(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            m.appendReplacement(sb, Matcher.quoteReplacement(orig != null ? orig : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
