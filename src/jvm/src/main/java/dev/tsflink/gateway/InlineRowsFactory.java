package dev.tsflink.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.streaming.api.legacy.io.CollectionInputFormat;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.RuntimeConverter;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.InputFormatProvider;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.runtime.typeutils.InternalSerializers;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Connector 'tsflink-inline-rows', behind {@code tEnv.fromValues}: the rows (option 'rows', the
 * JSON Node sent) become a collection input format inside the job graph, read by one task in
 * order, as PyFlink's from_elements reads its rows. Flink's own fromValues casts each non-NULL
 * value of a nullable column, and the planner then makes every such row a projection of its own
 * under one UNION: 500 rows took seconds to plan and 1000 ran out of network buffers.
 */
public final class InlineRowsFactory implements DynamicTableSourceFactory {
    static final String IDENTIFIER = "tsflink-inline-rows";
    static final ConfigOption<String> ROWS = ConfigOptions.key("rows").stringType().noDefaultValue()
            .withDescription("the rows as a JSON array of arrays or objects");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(ROWS);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        return new InlineRowsSource(context.getPhysicalRowDataType(), helper.getOptions().get(ROWS));
    }

    static final class InlineRowsSource implements ScanTableSource {
        private final DataType type;
        private final String rowsJson;

        InlineRowsSource(DataType type, String rowsJson) {
            this.type = type;
            this.rowsJson = rowsJson;
        }

        @Override
        public ChangelogMode getChangelogMode() {
            return ChangelogMode.insertOnly();
        }

        @Override
        public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
            RowType rowType = (RowType) type.getLogicalType();
            DataStructureConverter converter = context.createDataStructureConverter(type);
            converter.open(RuntimeConverter.Context.create(InlineRowsFactory.class.getClassLoader()));
            List<RowData> rows = new ArrayList<>();
            for (Object row : InlineValues.rows(rowsJson, rowType)) {
                rows.add((RowData) converter.toInternal(row));
            }
            return InputFormatProvider.of(new CollectionInputFormat<>(rows, InternalSerializers.create(rowType)));
        }

        @Override
        public DynamicTableSource copy() {
            return new InlineRowsSource(type, rowsJson);
        }

        @Override
        public String asSummaryString() {
            return "inline rows";
        }
    }
}
