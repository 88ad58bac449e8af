/** Names the database module gives a database's KMS key alias and `module-secret` master secret. */
export function databaseNames(identifier: string) {
  return { keyAlias: `${identifier}-rds`, masterSecretPrefix: `${identifier}-master-` };
}
