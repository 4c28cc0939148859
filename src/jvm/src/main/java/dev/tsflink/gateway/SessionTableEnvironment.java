package dev.tsflink.gateway;

import java.lang.reflect.Field;
import java.net.URL;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.internal.AbstractStreamTableEnvironmentImpl;
import org.apache.flink.table.api.bridge.java.internal.StreamTableEnvironmentImpl;
import org.apache.flink.table.api.CompiledPlan;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.ExplainFormat;
import org.apache.flink.table.api.PlanReference;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.internal.TableEnvironmentImpl;
import org.apache.flink.table.api.internal.TableResultInternal;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogManager;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.catalog.CatalogStoreHolder;
import org.apache.flink.table.catalog.FunctionCatalog;
import org.apache.flink.table.catalog.GenericInMemoryCatalog;
import org.apache.flink.table.delegation.Executor;
import org.apache.flink.table.delegation.ExecutorFactory;
import org.apache.flink.table.delegation.InternalPlan;
import org.apache.flink.table.delegation.Planner;
import org.apache.flink.table.expressions.DefaultSqlFactory;
import org.apache.flink.table.factories.ApiFactoryUtil;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.PlannerFactoryUtil;
import org.apache.flink.table.factories.TableFactoryUtil;
import org.apache.flink.table.module.ModuleManager;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.resource.ResourceManager;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.apache.flink.util.MutableURLClassLoader;

/**
 * A TableEnvironment that can share its catalogs with other environments of the session, as Flink's
 * SQL gateway shares one session state across runtime modes (SessionContext.SessionState: one
 * CatalogManager, ModuleManager, ResourceManager and FunctionCatalog; each operation gets its own
 * TableEnvironment, executor and planner on top). Here the streaming tEnv and the batch bEnv of a
 * session are two such environments: a table, view (temporary too), function, catalog, module or
 * jar added through one is seen by the other.
 *
 * <p>Built as {@link TableEnvironmentImpl#create(EnvironmentSettings)} builds its environment, with
 * the shared parts passed in. One catch: the CatalogManager's schema resolver is set by each
 * environment's constructor for its runtime mode (streaming marks rowtime attributes, batch does
 * not), so the last one built would resolve tables for all. Every entry point that resolves tables
 * therefore first puts its own resolver back ({@link #activate}), as the gateway's fresh
 * environment per operation does. Calls come one at a time on the API thread ({@link ApiThread}).
 */
public final class SessionTableEnvironment extends TableEnvironmentImpl {

    /** What the environments of one session share. */
    public static final class Shared {
        final MutableURLClassLoader classLoader;
        final ResourceManager resourceManager;
        final ModuleManager moduleManager;
        final CatalogManager catalogManager;
        final FunctionCatalog functionCatalog;
        /** The environment that resolved tables last (calls come one at a time, on the API thread). */
        SessionTableEnvironment active;

        private Shared(EnvironmentSettings settings, TableConfig tableConfig) {
            classLoader = FlinkUserCodeClassLoaders.create(new URL[0], settings.getUserClassLoader(), settings.getConfiguration());
            resourceManager = new ResourceManager(settings.getConfiguration(), classLoader);
            moduleManager = new ModuleManager();
            ApiFactoryUtil.CatalogStoreResult store = ApiFactoryUtil.getOrCreateCatalogStore(settings.getCatalogStore(), settings.getConfiguration(), classLoader);
            catalogManager = CatalogManager.newBuilder()
                    .classLoader(classLoader)
                    .config(tableConfig)
                    .defaultCatalog(settings.getBuiltInCatalogName(),
                            new ModeNeutralCatalog(settings.getBuiltInCatalogName(), settings.getBuiltInDatabaseName()))
                    .catalogModificationListeners(TableFactoryUtil.findCatalogModificationListenerList(settings.getConfiguration(), classLoader))
                    .catalogStoreHolder(CatalogStoreHolder.newBuilder()
                            .catalogStore(store.getCatalogStore())
                            .factory(store.getCatalogStoreFactory())
                            .config(settings.getConfiguration())
                            .classloader(classLoader)
                            .build())
                    .sqlFactory(settings.getSqlFactory().orElse(DefaultSqlFactory.INSTANCE))
                    .build();
            functionCatalog = new FunctionCatalog(tableConfig, resourceManager, catalogManager, moduleManager);
        }
    }

    /**
     * The built-in in-memory catalog, handing out tables as they were declared rather than as they
     * were resolved when created: a table resolved by the streaming environment carries rowtime
     * attributes that the batch planner rejects ("failed to preserve datatypes"), so each lookup
     * resolves it again for the environment asking.
     */
    static final class ModeNeutralCatalog extends GenericInMemoryCatalog {
        ModeNeutralCatalog(String name, String defaultDatabase) {
            super(name, defaultDatabase);
        }

        @Override
        public CatalogBaseTable getTable(ObjectPath path) throws TableNotExistException {
            CatalogBaseTable t = super.getTable(path);
            return t instanceof ResolvedCatalogTable ? ((ResolvedCatalogTable) t).getOrigin() : t;
        }
    }

    private final Shared shared;
    private final boolean streaming;
    /** The DataStream bridges of this environment, one per StreamExecutionEnvironment ({@link #bridge}). */
    private final Map<StreamExecutionEnvironment, StreamTableEnvironmentImpl> bridges = new IdentityHashMap<>();

    private SessionTableEnvironment(Shared shared, TableConfig tableConfig, Executor executor, Planner planner, boolean streaming) {
        super(shared.catalogManager, shared.moduleManager, shared.resourceManager, tableConfig, executor, shared.functionCatalog, planner, streaming);
        this.shared = shared;
        this.streaming = streaming;
    }

    /** A new environment; with {@code shareWith}, one seeing the same catalogs, modules, functions and jars. */
    public static SessionTableEnvironment create(EnvironmentSettings settings, SessionTableEnvironment shareWith) {
        ExecutorFactory executorFactory = FactoryUtil.discoverFactory(
                shareWith == null ? settings.getUserClassLoader() : shareWith.shared.classLoader, ExecutorFactory.class, ExecutorFactory.DEFAULT_IDENTIFIER);
        Executor executor = executorFactory.create(settings.getConfiguration());
        TableConfig tableConfig = TableConfig.getDefault();
        tableConfig.setRootConfiguration(executor.getConfiguration());
        tableConfig.addConfiguration(settings.getConfiguration());
        Shared shared = shareWith == null ? new Shared(settings, tableConfig) : shareWith.shared;
        Planner planner = PlannerFactoryUtil.createPlanner(executor, tableConfig, shared.classLoader, shared.moduleManager, shared.catalogManager, shared.functionCatalog);
        return new SessionTableEnvironment(shared, tableConfig, executor, planner, settings.isStreamingMode());
    }

    /**
     * Flink's StreamTableEnvironment for {@code env} over this environment's catalogs: the DataStream
     * interop (fromDataStream, toDataStream, toChangelogStream) of the TS StreamTableEnvironment. It is
     * built as StreamTableEnvironmentImpl.create builds one (an executor wrapping {@code env}, a planner
     * over it), but on the session's shared CatalogManager, FunctionCatalog, ModuleManager and
     * ResourceManager and with this environment's own TableConfig, so a view of a DataStream is seen by
     * SQL on this environment (and bEnv), and SET options apply to both; no second catalog. Its
     * constructor sets the shared schema resolver, so this environment's is put back afterwards.
     */
    public StreamTableEnvironmentImpl bridge(StreamExecutionEnvironment env) {
        StreamTableEnvironmentImpl b = bridges.computeIfAbsent(env, e -> {
            Executor executor = AbstractStreamTableEnvironmentImpl.lookupExecutor(shared.classLoader, e);
            Planner planner = PlannerFactoryUtil.createPlanner(executor, getConfig(), shared.classLoader, shared.moduleManager, shared.catalogManager, shared.functionCatalog);
            return new StreamTableEnvironmentImpl(shared.catalogManager, shared.moduleManager, shared.resourceManager, shared.functionCatalog, getConfig(), e, planner, executor, streaming);
        });
        activate();
        return b;
    }

    /**
     * Resolves tables for this environment's runtime mode from now on (see the class comment); when
     * the mode changes, temporary tables (kept resolved by the CatalogManager) are resolved again.
     */
    private void activate() {
        CatalogManager catalogs = getCatalogManager();
        catalogs.initSchemaResolver(streaming, getOperationTreeBuilder().getResolverBuilder(), getParser());
        if (shared.active == this) return;
        boolean modeChanged = shared.active != null && shared.active.streaming != streaming;
        shared.active = this;
        if (modeChanged) reresolveTemporaryTables(catalogs);
    }

    @SuppressWarnings("unchecked")
    private static void reresolveTemporaryTables(CatalogManager catalogs) {
        Map<ObjectIdentifier, CatalogBaseTable> temporary;
        try {
            Field f = CatalogManager.class.getDeclaredField("temporaryTables");
            f.setAccessible(true);
            temporary = (Map<ObjectIdentifier, CatalogBaseTable>) f.get(catalogs);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's CatalogManager changed: no temporaryTables", e);
        }
        temporary.replaceAll((id, t) -> t instanceof ResolvedCatalogTable ? catalogs.resolveCatalogTable(((ResolvedCatalogTable) t).getOrigin()) : t);
    }

    @Override
    public TableResult executeSql(String statement) {
        activate();
        return super.executeSql(statement);
    }

    @Override
    public Table sqlQuery(String query) {
        activate();
        return super.sqlQuery(query);
    }

    @Override
    public String explainSql(String statement, ExplainFormat format, ExplainDetail... extraDetails) {
        activate();
        return super.explainSql(statement, format, extraDetails);
    }

    @Override
    public Table from(String path) {
        activate();
        return super.from(path);
    }

    @Override
    public Table from(TableDescriptor descriptor) {
        activate();
        return super.from(descriptor);
    }

    @Override
    public void createTemporaryView(String path, Table view) {
        activate();
        super.createTemporaryView(path, view);
    }

    @Override
    public boolean createView(String path, Table view, boolean ignoreIfExists) {
        activate();
        return super.createView(path, view, ignoreIfExists);
    }

    @Override
    public void createTemporaryTable(String path, TableDescriptor descriptor, boolean ignoreIfExists) {
        activate();
        super.createTemporaryTable(path, descriptor, ignoreIfExists);
    }

    @Override
    public boolean createTable(String path, TableDescriptor descriptor, boolean ignoreIfExists) {
        activate();
        return super.createTable(path, descriptor, ignoreIfExists);
    }

    @Override
    public CompiledPlan compilePlanSql(String statement) {
        activate();
        return super.compilePlanSql(statement);
    }

    @Override
    public CompiledPlan loadPlan(PlanReference planReference) {
        activate();
        return super.loadPlan(planReference);
    }

    @Override
    public TableResultInternal executePlan(InternalPlan plan) {
        activate();
        return super.executePlan(plan);
    }

    @Override
    public TableResultInternal executeInternal(List<ModifyOperation> operations) {
        activate();
        return super.executeInternal(operations);
    }

    @Override
    public TableResultInternal executeInternal(Operation operation) {
        activate();
        return super.executeInternal(operation);
    }

    @Override
    public String explainInternal(List<Operation> operations, ExplainFormat format, ExplainDetail... extraDetails) {
        activate();
        return super.explainInternal(operations, format, extraDetails);
    }
}
