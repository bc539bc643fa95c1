import "server-only";
// /applications/{applicationId}/customers/{customerId}/entitlements and
// /applications/{applicationId}/channels: which images each license may pull,
// through lib/entitlements/service.ts and the forms' own schemas.
import { z } from "zod";
import { getApplication } from "@/lib/applications/service";
import { defineEndpoint, type ResourceVersioning } from "@/lib/api/endpoint";
import { contentVersion, resourceVersion } from "@/lib/api/resource-version";
import { dataOf, ZId } from "@/lib/api/schemas";
import { getCustomer } from "@/lib/customers/service";
import { ZChannelFields, ZEntitlementsFields, ZImageRule } from "@/lib/entitlements/schema";
import {
  createChannel,
  deleteChannel,
  getChannel,
  getCustomerEntitlements,
  getVersionedCustomerEntitlements,
  listChannels,
  updateChannel,
  updateCustomerEntitlements,
  type ChannelView,
  type CustomerEntitlementsView,
} from "@/lib/entitlements/service";
import { NOT_FOUND } from "@/lib/http/result";

const ZCustomerParams = z.object({ applicationId: ZId, customerId: ZId });
const ZApplicationParams = z.object({ applicationId: ZId });
const ZChannelParams = z.object({ applicationId: ZId, channelId: ZId });

const ZApiImageRule = ZImageRule.meta({
  id: "ImageRule",
  description: "A registry of the application, a repository (exact, or a glob: * within a path component, ** across) and optional tag patterns (* any characters; empty: every tag).",
});
const ZApiEntitlements = z
  .object({ allImages: z.boolean(), rules: z.array(ZApiImageRule), channelIds: z.array(ZId) })
  .meta({ id: "Entitlements", description: "allImages true: every image of the application. Otherwise the union of rules and the channels' rules. The proxy applies a change within 2 seconds." });
const ZApiChannel = z
  .object({ id: ZId, applicationId: ZId, name: z.string(), rules: z.array(ZApiImageRule), customerCount: z.number().int(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() })
  .meta({ id: "Channel", description: "A named set of image rules of an application (e.g. Stable, Beta), assigned to customers." });
const ZEntitlementsBody = ZEntitlementsFields.meta({ id: "UpdateEntitlementsInput" });
const ZChannelBody = ZChannelFields.meta({ id: "ChannelInput" });

/** Its customers are part of a channel's version: assigning one changes customerCount without editing the channel. */
const channelVersion = (channel: { id: string; updatedAt: Date | string; customerCount: number }) => resourceVersion({ id: channel.id, updatedAt: channel.updatedAt, customerCount: channel.customerCount });
const CHANNEL: ResourceVersioning<{ applicationId: string; channelId: string }, { data: { id: string; updatedAt: string; customerCount: number } }> = {
  current: async (teamId, params) => {
    const channel = await getChannel(teamId, params.channelId);
    return channel && channel.applicationId === params.applicationId ? channelVersion(channel) : null;
  },
  ofResult: (result) => channelVersion(result.data),
};

/** Entitlements carry no timestamp: their ETag is their content's; a write is conditional on the customer row's version. */
const ENTITLEMENTS: ResourceVersioning<{ applicationId: string; customerId: string }, { data: CustomerEntitlementsView }> = {
  current: async (teamId, params) => {
    const customer = await getCustomer(teamId, params.customerId);
    if (!customer || customer.applicationId !== params.applicationId) return null;
    const versioned = await getVersionedCustomerEntitlements(teamId, customer.id);
    return versioned && contentVersion(versioned.entitlements, versioned.updatedAt);
  },
  // Only the ETag of an answer is used; its updatedAt is not part of the representation.
  ofResult: (result) => contentVersion(result.data, new Date(0)),
};

const toApiChannel = (channel: ChannelView) => ({ ...channel, createdAt: channel.createdAt.toISOString(), updatedAt: channel.updatedAt.toISOString() });

async function existingCustomer(teamId: string, params: { applicationId: string; customerId: string }): Promise<void> {
  const customer = await getCustomer(teamId, params.customerId);
  if (!customer || customer.applicationId !== params.applicationId) throw NOT_FOUND();
}

async function existingChannel(teamId: string, params: { applicationId: string; channelId: string }): Promise<ChannelView> {
  const channel = await getChannel(teamId, params.channelId);
  if (!channel || channel.applicationId !== params.applicationId) throw NOT_FOUND();
  return channel;
}

export const getEntitlementsEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/customers/{customerId}/entitlements",
    operationId: "getEntitlements",
    tag: "Customers",
    summary: "Get which images a customer may pull",
    minimumRole: "VIEWER",
    what: "read customers",
    params: ZCustomerParams,
    response: dataOf(ZApiEntitlements, "EntitlementsResponse"),
    errors: ["not_found"],
    resource: ENTITLEMENTS,
  },
  async ({ principal, params }) => {
    await existingCustomer(principal.team.id, params);
    return { data: (await getCustomerEntitlements(principal.team.id, params.customerId))! };
  },
);

export const updateEntitlementsEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/applications/{applicationId}/customers/{customerId}/entitlements",
    operationId: "updateEntitlements",
    tag: "Customers",
    summary: "Change which images a customer may pull",
    description: "Replaces the entitlements. Pulls in flight finish; new requests follow the change within 2 seconds.",
    minimumRole: "MEMBER",
    what: "edit customers",
    params: ZCustomerParams,
    body: ZEntitlementsBody,
    response: dataOf(ZApiEntitlements, "EntitlementsResponse"),
    errors: ["invalid_input", "not_found"],
    resource: ENTITLEMENTS,
  },
  async ({ principal, params, body, ifUnchangedSince }) => {
    await existingCustomer(principal.team.id, params);
    return { data: await updateCustomerEntitlements(principal.team.id, principal.actor, { ...body, customerId: params.customerId }, { ifUnchangedSince }) };
  },
);

export const listChannelsEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/channels",
    operationId: "listChannels",
    tag: "Channels",
    summary: "List an application's channels",
    description: "By name.",
    minimumRole: "VIEWER",
    what: "list channels",
    params: ZApplicationParams,
    response: z.object({ data: z.array(ZApiChannel) }).meta({ id: "ChannelList" }),
    errors: ["not_found"],
  },
  async ({ principal, params }) => {
    if (!(await getApplication(principal.team.id, params.applicationId))) throw NOT_FOUND();
    return { data: (await listChannels(principal.team.id, params.applicationId)).map(toApiChannel) };
  },
);

export const createChannelEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/applications/{applicationId}/channels",
    operationId: "createChannel",
    tag: "Channels",
    summary: "Add a channel",
    minimumRole: "MEMBER",
    what: "add channels",
    params: ZApplicationParams,
    body: ZChannelBody,
    response: dataOf(ZApiChannel, "ChannelResponse"),
    successStatus: 201,
    errors: ["invalid_input", "not_found", "name_taken"],
    resource: CHANNEL,
  },
  async ({ principal, params, body }) => ({ data: toApiChannel(await createChannel(principal.team.id, principal.actor, { ...body, applicationId: params.applicationId })) }),
);

export const getChannelEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/applications/{applicationId}/channels/{channelId}",
    operationId: "getChannel",
    tag: "Channels",
    summary: "Get a channel",
    minimumRole: "VIEWER",
    what: "read channels",
    params: ZChannelParams,
    response: dataOf(ZApiChannel, "ChannelResponse"),
    errors: ["not_found"],
    resource: CHANNEL,
  },
  async ({ principal, params }) => ({ data: toApiChannel(await existingChannel(principal.team.id, params)) }),
);

export const updateChannelEndpoint = defineEndpoint(
  {
    method: "put",
    path: "/applications/{applicationId}/channels/{channelId}",
    operationId: "updateChannel",
    tag: "Channels",
    summary: "Change a channel",
    description: "Every customer on the channel follows the change within 2 seconds.",
    minimumRole: "MEMBER",
    what: "edit channels",
    params: ZChannelParams,
    body: ZChannelBody,
    response: dataOf(ZApiChannel, "ChannelResponse"),
    errors: ["invalid_input", "not_found", "name_taken"],
    resource: CHANNEL,
  },
  async ({ principal, params, body, ifUnchangedSince }) => {
    await existingChannel(principal.team.id, params);
    return { data: toApiChannel(await updateChannel(principal.team.id, principal.actor, { ...body, channelId: params.channelId }, { ifUnchangedSince })) };
  },
);

export const deleteChannelEndpoint = defineEndpoint(
  {
    method: "delete",
    path: "/applications/{applicationId}/channels/{channelId}",
    operationId: "deleteChannel",
    tag: "Channels",
    summary: "Delete a channel",
    description: "Its customers lose what it allowed; their own rules stay.",
    minimumRole: "MEMBER",
    what: "delete channels",
    params: ZChannelParams,
    errors: ["not_found"],
    resource: CHANNEL,
  },
  async ({ principal, params, ifUnchangedSince }) => {
    await existingChannel(principal.team.id, params);
    await deleteChannel(principal.team.id, principal.actor, params.channelId, { ifUnchangedSince });
  },
);
