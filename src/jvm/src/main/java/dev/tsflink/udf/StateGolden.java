package dev.tsflink.udf;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.model.fnexecution.v1.BeamFnApi;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.python.PythonOptions;
import org.apache.flink.streaming.api.runners.python.beam.state.BeamBagStateHandler;
import org.apache.flink.streaming.api.runners.python.beam.state.BeamMapStateHandler;
import org.apache.flink.streaming.api.utils.ByteArrayWrapper;

/**
 * Golden tests of the worker's state client (test/state-client.test.ts): serves the worker's
 * StateRequests with flink-python's own BeamBagStateHandler / BeamMapStateHandler over in-memory
 * list and map states (one per state id, key and window), as BeamStateRequestHandler does over the
 * keyed state backend, and returns the handlers' StateResponses.
 */
public final class StateGolden {
    private StateGolden() {}

    private static final Map<String, ListState<byte[]>> bags = new HashMap<>();
    private static final Map<String, MapState<ByteArrayWrapper, byte[]>> maps = new HashMap<>();
    private static final BeamBagStateHandler bagHandler = new BeamBagStateHandler(null);
    private static final Map<Integer, BeamMapStateHandler> mapHandlers = new HashMap<>();

    /** @return the base64 StateResponse to the base64 StateRequest */
    public static String handle(String requestBase64, int iterateBatchSize) throws Exception {
        BeamFnApi.StateRequest request = BeamFnApi.StateRequest.parseFrom(Base64.getDecoder().decode(requestBase64));
        BeamFnApi.StateKey key = request.getStateKey();
        BeamFnApi.StateResponse.Builder response;
        if (key.hasBagUserState()) {
            BeamFnApi.StateKey.BagUserState b = key.getBagUserState();
            String id = b.getUserStateId() + "|" + hex(b.getKey().toByteArray()) + "|" + hex(b.getWindow().toByteArray());
            response = bagHandler.handle(request, bags.computeIfAbsent(id, k -> new MemoryListState()));
        } else {
            BeamFnApi.StateKey.MultimapSideInput m = key.getMultimapSideInput();
            String id = m.getSideInputId() + "|" + hex(m.getKey().toByteArray()) + "|" + hex(m.getWindow().toByteArray());
            BeamMapStateHandler handler = mapHandlers.computeIfAbsent(iterateBatchSize, n -> {
                Configuration config = new Configuration();
                config.set(PythonOptions.MAP_STATE_ITERATE_RESPONSE_BATCH_SIZE, n);
                return new BeamMapStateHandler(config);
            });
            response = handler.handle(request, maps.computeIfAbsent(id, k -> new MemoryMapState()));
        }
        return Base64.getEncoder().encodeToString(response.build().toByteArray());
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    private static final class MemoryListState implements ListState<byte[]> {
        private final List<byte[]> list = new ArrayList<>();

        @Override public Iterable<byte[]> get() { return list; }
        @Override public void add(byte[] value) { list.add(value); }
        @Override public void update(List<byte[]> values) { list.clear(); list.addAll(values); }
        @Override public void addAll(List<byte[]> values) { list.addAll(values); }
        @Override public void clear() { list.clear(); }
    }

    private static final class MemoryMapState implements MapState<ByteArrayWrapper, byte[]> {
        private final Map<ByteArrayWrapper, byte[]> map = new LinkedHashMap<>();

        @Override public byte[] get(ByteArrayWrapper key) { return map.get(key); }
        @Override public void put(ByteArrayWrapper key, byte[] value) { map.put(key, value); }
        @Override public void putAll(Map<ByteArrayWrapper, byte[]> values) { map.putAll(values); }
        @Override public void remove(ByteArrayWrapper key) { map.remove(key); }
        @Override public boolean contains(ByteArrayWrapper key) { return map.containsKey(key); }
        @Override public Iterable<Map.Entry<ByteArrayWrapper, byte[]>> entries() { return map.entrySet(); }
        @Override public Iterable<ByteArrayWrapper> keys() { return map.keySet(); }
        @Override public Iterable<byte[]> values() { return map.values(); }
        @Override public Iterator<Map.Entry<ByteArrayWrapper, byte[]>> iterator() { return map.entrySet().iterator(); }
        @Override public boolean isEmpty() { return map.isEmpty(); }
        @Override public void clear() { map.clear(); }
    }
}
