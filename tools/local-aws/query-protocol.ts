// The AWS Query protocol that IAM and STS speak: form-encoded requests
// (`Action=…&Version=…`, lists as `Name.member.N`) and XML responses, with
// errors as `<ErrorResponse>` bodies that the SDKs parse for Code and Message.
import type { AwsError } from "./aws-error";

export const IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** A value the XML serializer understands: arrays become `<member>` lists. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [name: string]: XmlValue };

export function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `<${name}>${value.map((item) => toXml("member", item)).join("")}</${name}>`;
  if (typeof value === "object") return `<${name}>${Object.entries(value).map(([key, item]) => toXml(key, item)).join("")}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function queryResponse(action: string, namespace: string, result: Record<string, XmlValue> | undefined, requestId: string): string {
  const resultXml = result ? toXml(`${action}Result`, result) : "";
  return `<${action}Response xmlns="${namespace}">${resultXml}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`;
}

export function queryErrorResponse(namespace: string, error: AwsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${namespace}">\n  <Error>\n    <Type>${error.type}</Type>\n    <Code>${escapeXml(error.code)}</Code>\n` +
    `    <Message>${escapeXml(error.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
  );
}

/** The values of `Name.member.1`, `Name.member.2`, … in order. */
export function memberList(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let index = 1; params.has(`${name}.member.${index}`); index++) values.push(params.get(`${name}.member.${index}`)!);
  return values;
}

/** `Tags.member.N.Key` / `.Value` pairs. */
export function tagList(params: URLSearchParams, name = "Tags"): { Key: string; Value: string }[] {
  const tags: { Key: string; Value: string }[] = [];
  for (let index = 1; params.has(`${name}.member.${index}.Key`); index++) {
    tags.push({ Key: params.get(`${name}.member.${index}.Key`)!, Value: params.get(`${name}.member.${index}.Value`) ?? "" });
  }
  return tags;
}
