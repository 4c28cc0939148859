package dev.tsflink.ml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * Model provider 'tsflink-linear': predicts {@code bias + sum(weights[i] * input[i])} over numeric
 * input columns. No model provider ships with Flink (the OpenAI one is a separate jar that calls a
 * web service), so this small, deterministic one lets ML_PREDICT and Model.predict run for real in
 * tests and examples.
 *
 * <pre>
 * CREATE MODEL m INPUT (x DOUBLE, y DOUBLE) OUTPUT (score DOUBLE)
 * WITH ('provider' = 'tsflink-linear', 'weights' = '2, 3', 'bias' = '1')
 * </pre>
 *
 * Options: weights (required: one number per input column, comma-separated), bias (default 0).
 * Input columns: any exact or approximate numeric type; output: exactly one DOUBLE column. A null
 * input gives a null prediction, as SQL arithmetic would. Everything is checked when the planner
 * creates the provider, so a bad model fails the query's planning with a message naming the option.
 * Registered through META-INF/services/org.apache.flink.table.factories.Factory.
 */
public class LinearModelFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "tsflink-linear";

    static final ConfigOption<String> WEIGHTS = ConfigOptions.key("weights")
            .stringType()
            .noDefaultValue()
            .withDescription("One weight per input column, comma-separated.");
    static final ConfigOption<Double> BIAS = ConfigOptions.key("bias")
            .doubleType()
            .defaultValue(0.0)
            .withDescription("Added to the weighted sum.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(WEIGHTS);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(BIAS);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        // unknown keys and a missing 'weights' fail here with Flink's own listing of the options
        helper.validate();
        ReadableConfig options = helper.getOptions();
        ResolvedCatalogModel model = context.getCatalogModel();
        String name = context.getObjectIdentifier().asSummaryString();

        ResolvedSchema input = model.getResolvedInputSchema();
        for (Column c : input.getColumns()) {
            if (!c.getDataType().getLogicalType().is(LogicalTypeFamily.NUMERIC)) {
                throw new ValidationException(String.format(
                        "Model '%s' (provider '%s'): input column '%s' is %s; only numeric inputs are supported.",
                        name, IDENTIFIER, c.getName(), c.getDataType()));
            }
        }
        ResolvedSchema output = model.getResolvedOutputSchema();
        if (output.getColumnCount() != 1
                || !output.getColumns().get(0).getDataType().getLogicalType().is(LogicalTypeRoot.DOUBLE)) {
            throw new ValidationException(String.format(
                    "Model '%s' (provider '%s'): the output must be exactly one DOUBLE column, got %s.",
                    name, IDENTIFIER, output.getColumns()));
        }
        double[] weights = parseWeights(name, options.get(WEIGHTS), input.getColumnCount());
        return new Provider(weights, options.get(BIAS));
    }

    private static double[] parseWeights(String model, String text, int inputs) {
        String[] parts = text.split(",", -1);
        double[] weights = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                weights[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new ValidationException(String.format(
                        "Model '%s' (provider '%s'): option 'weights' must be comma-separated numbers, got '%s'.",
                        model, IDENTIFIER, text));
            }
        }
        if (weights.length != inputs) {
            throw new ValidationException(String.format(
                    "Model '%s' (provider '%s'): option 'weights' has %d numbers for %d input columns.",
                    model, IDENTIFIER, weights.length, inputs));
        }
        return weights;
    }

    /** Planner-side: hands each task its own PredictFunction. */
    public static final class Provider implements PredictRuntimeProvider {
        private final double[] weights;
        private final double bias;

        Provider(double[] weights, double bias) {
            this.weights = weights;
            this.bias = bias;
        }

        @Override
        public PredictFunction createPredictFunction(ModelProvider.Context context) {
            return new LinearPredictFunction(weights, bias);
        }

        @Override
        public ModelProvider copy() {
            return new Provider(weights.clone(), bias);
        }
    }

    /** Runs in the task: one output row (the score) per input row. */
    /** Public: the planner's generated code refers to it by name. */
    public static final class LinearPredictFunction extends PredictFunction {
        private static final long serialVersionUID = 1L;
        private final double[] weights;
        private final double bias;

        LinearPredictFunction(double[] weights, double bias) {
            this.weights = weights;
            this.bias = bias;
        }

        @Override
        public Collection<RowData> predict(RowData features) {
            GenericRowData row = (GenericRowData) features;
            double sum = bias;
            for (int i = 0; i < weights.length; i++) {
                Object v = row.getField(i);
                if (v == null) {
                    return List.of(GenericRowData.of((Object) null));
                }
                sum += weights[i] * toDouble(v);
            }
            List<RowData> out = new ArrayList<>(1);
            out.add(GenericRowData.of(sum));
            return out;
        }

        /** Internal numeric values: Byte/Short/Integer/Long/Float/Double, or DecimalData for DECIMAL. */
        private static double toDouble(Object v) {
            if (v instanceof DecimalData) {
                return ((DecimalData) v).toBigDecimal().doubleValue();
            }
            return ((Number) v).doubleValue();
        }
    }
}
