// TypeScript UDFs for the SQL client tests: `tsflink sql --udfs udfs.ts` registers each by its export name.
import { udf, DataTypes } from 'tsflink';

export const toEuro = udf((usd: number | null) => (usd === null ? null : Math.round(usd * 92) / 100), {
  inputTypes: [DataTypes.DOUBLE()],
  resultType: DataTypes.DOUBLE(),
});

export const shout = udf((s: string | null) => (s === null ? null : `${s.toUpperCase()}!`), {
  inputTypes: [DataTypes.STRING()],
  resultType: DataTypes.STRING(),
});

/** Not a UDF: Flink cannot know its types. */
export function plain(x: number): number {
  return x;
}
