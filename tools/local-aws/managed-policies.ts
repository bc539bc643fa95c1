// The AWS managed policies the emulator knows, with their current documents.
import type { PolicyDocument } from "./policy-evaluation";

export const MANAGED_POLICIES: Record<string, PolicyDocument> = {
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:GetRepositoryPolicy",
          "ecr:DescribeRepositories",
          "ecr:ListImages",
          "ecr:DescribeImages",
          "ecr:BatchGetImage",
          "ecr:GetLifecyclePolicy",
          "ecr:GetLifecyclePolicyPreview",
          "ecr:ListTagsForResource",
          "ecr:DescribeImageScanFindings",
        ],
        Resource: "*",
      },
    ],
  },
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchImportUpstreamImage"],
        Resource: "*",
      },
    ],
  },
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["ecr:*"], Resource: "*" }],
  },
  "arn:aws:iam::aws:policy/AdministratorAccess": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  },
};
