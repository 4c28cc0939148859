"""Lists the public members of PyFlink's Table API (the classes of pyflink.table plus the
expressions module's functions, windows, catalogs and models) from PyFlink's source, without
importing it (no JVM, no py4j). Output: one "Class.member" a line, sorted; module functions as
"expressions.name". Usage: python3 pyflink_members.py /path/to/pyflink > pyflink-2.3.0-members.txt
(the path is an unpacked apache-flink 2.3.0 wheel's pyflink directory)."""
import ast
import os
import sys

root = os.path.join(sys.argv[1], 'table')

# The classes measured: pyflink.table.__all__ minus StreamTableEnvironment (DataStream bridge: TSFlink
# has no DataStream API), plus the grouped/windowed tables, window builders, catalogs and models.
CLASSES = {
    'table_environment.py': ['TableEnvironment'],
    'table.py': ['Table', 'GroupedTable', 'GroupWindowedTable', 'WindowGroupedTable', 'OverWindowedTable',
                 'AggregatedTable', 'FlatAggregateTable'],
    'statement_set.py': ['StatementSet'],
    'environment_settings.py': ['EnvironmentSettings'],
    'table_config.py': ['TableConfig'],
    'udf.py': ['ScalarFunction', 'TableFunction', 'AggregateFunction', 'TableAggregateFunction',
               'AsyncScalarFunction', 'FunctionContext', 'UserDefinedFunction'],
    'data_view.py': ['ListView', 'MapView'],
    'table_descriptor.py': ['TableDescriptor', 'FormatDescriptor'],
    'schema.py': ['Schema'],
    'module.py': ['Module', 'ModuleEntry'],
    'sql_dialect.py': ['SqlDialect'],
    'types.py': ['DataTypes', 'Row', 'RowKind'],
    'expression.py': ['Expression', 'TimeIntervalUnit', 'TimePointUnit', 'JsonType', 'JsonExistsOnError',
                      'JsonValueOnEmptyOrError', 'JsonQueryWrapper', 'JsonQueryOnEmptyOrError'],
    'table_result.py': ['TableResult'],
    'changelog_mode.py': ['ChangelogMode'],
    'explain_detail.py': ['ExplainDetail'],
    'result_kind.py': ['ResultKind'],
    'compiled_plan.py': ['CompiledPlan'],
    'plan_reference.py': ['PlanReference'],
    'table_pipeline.py': ['TablePipeline'],
    'window.py': ['Tumble', 'TumbleWithSize', 'TumbleWithSizeOnTime', 'Session', 'SessionWithGap',
                  'SessionWithGapOnTime', 'Slide', 'SlideWithSize', 'SlideWithSizeAndSlide',
                  'SlideWithSizeAndSlideOnTime', 'Over', 'OverWindowPartitionedOrdered',
                  'OverWindowPartitionedOrderedPreceding', 'OverWindowPartitioned'],
    'catalog.py': ['Catalog', 'ObjectPath', 'CatalogDatabase', 'CatalogBaseTable', 'CatalogFunction',
                   'CatalogDescriptor', 'ObjectIdentifier'],
    'model_descriptor.py': ['ModelDescriptor'],
}

out = set()
for fname, classes in CLASSES.items():
    tree = ast.parse(open(os.path.join(root, fname)).read())
    def visit(node, name):
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith('_'):
                out.add(f'{name}.{item.name}')
            elif isinstance(item, ast.Assign):
                # enum values and constants (SqlDialect.DEFAULT, RowKind.INSERT, ...)
                for t in item.targets:
                    if isinstance(t, ast.Name) and t.id.isupper():
                        out.add(f'{name}.{t.id}')
            elif isinstance(item, ast.ClassDef) and item.name == 'Builder':
                visit(item, f'{name}.Builder')

    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in classes:
            visit(node, node.name)

tree = ast.parse(open(os.path.join(root, 'expressions.py')).read())
for item in tree.body:
    if isinstance(item, ast.FunctionDef) and not item.name.startswith('_'):
        out.add(f'expressions.{item.name}')
    elif isinstance(item, ast.Assign):
        for t in item.targets:
            if isinstance(t, ast.Name) and t.id.isupper():
                out.add(f'expressions.{t.id}')

print('\n'.join(sorted(out)))
