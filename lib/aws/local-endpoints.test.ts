import { describe, expect, it } from "vitest";
import { localAwsEndpoints } from "@/lib/aws/local-endpoints";

describe("localAwsEndpoints", () => {
  it("is local mode only when the STS override is on this machine", () => {
    expect(localAwsEndpoints({ AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566" })).toEqual({ iam: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4566", ecr: "http://127.0.0.1:4566" });
    expect(localAwsEndpoints({ AWS_ENDPOINT_URL_STS: "http://localhost:4566", AWS_ENDPOINT_URL_ECR: "http://localhost:4567" })?.ecr).toBe("http://localhost:4567");
    expect(localAwsEndpoints({ AWS_ENDPOINT_URL_STS: "https://vpce-1.sts.eu-west-1.vpce.amazonaws.com" })).toBeNull();
    expect(localAwsEndpoints({})).toBeNull();
  });
});
