/**
 * Word count on the embedded Flink mini-cluster, with the Table API and SQL.
 * Run: tsflink run examples/word-count.ts
 */
import { $, DataTypes, EnvironmentSettings, TableEnvironment } from 'tsflink';

const lines = [
  'To be, or not to be, that is the question:',
  'Whether tis nobler in the mind to suffer',
  'The slings and arrows of outrageous fortune,',
  'Or to take arms against a sea of troubles',
];

async function main(): Promise<void> {
  const tEnv = await TableEnvironment.create(EnvironmentSettings.inBatchMode());
  const text = tEnv.fromValues(DataTypes.ROW(DataTypes.FIELD('line', DataTypes.STRING())), lines.map((line) => ({ line })));
  tEnv.createTemporaryView('lines', text);

  // Split lines into words in SQL, count them with the Table API.
  const words = tEnv.sqlQuery(
    `SELECT LOWER(word) AS word
     FROM lines CROSS JOIN UNNEST(SPLIT(REGEXP_REPLACE(line, '[^A-Za-z ]', ''), ' ')) AS t(word)
     WHERE word <> ''`,
  );
  const counts = words
    .groupBy($('word'))
    .select($('word'), $('word').count().as('n'))
    .orderBy($('n').desc(), $('word'))
    .limit(10);

  console.log('Top 10 words:');
  await (await counts.execute()).print();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
