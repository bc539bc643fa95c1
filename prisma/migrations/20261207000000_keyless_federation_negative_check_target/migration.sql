-- Keyless federation (Azure, Quay, Google): the negative check is recorded
-- for a role ARN or a provider's federation target, so the column says what
-- it holds. A rename keeps every passed check of an IAM registry valid.
ALTER TABLE "Registry" RENAME COLUMN "negativeCheckRoleArn" TO "negativeCheckTarget";
