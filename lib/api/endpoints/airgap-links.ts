import "server-only";
// /applications/{applicationId}/customers/{customerId}/airgap-links: the
// vendor makes a customer's air-gap download link, as the customer's page in
// the portal does (lib/airgap/service.ts, the form's own schema). A link is
// not stored: it is signed, bound to the customer's current license and to
// exactly this selection, and valid for 24 hours; regenerating or revoking
// the license ends every link made for it.
import { z } from "zod";
import { defineEndpoint } from "@/lib/api/endpoint";
import { dataOf, ZId } from "@/lib/api/schemas";
import { MAX_AIRGAP_IMAGES, ZAirGapSelection } from "@/lib/airgap/schema";
import { prepareVendorAirGapDownload } from "@/lib/airgap/service";

const ZCustomerParams = z.object({ applicationId: ZId, customerId: ZId });

const ZAirGapLinkBody = ZAirGapSelection.meta({
  id: "AirGapSelection",
  description: `The images of the archive (1 to ${MAX_AIRGAP_IMAGES}), each as its proxied name (as the customer pulls it, without the proxy's host) with a tag, a digest or both (tag@digest pins the tag: the archive is refused if the tag has moved), and optionally the platforms of multi-platform images to keep, as os/architecture[/variant] (none: every platform). The customer's license must allow every image.`,
});

const ZApiAirGapLink = z
  .object({
    url: z.string().meta({ description: "The archive's download address (GET; Range requests resume an interrupted download). It is a credential: anyone holding it downloads this archive until it expires." }),
    size: z.number().int().meta({ description: "The archive's size in bytes." }),
    expiresAt: z.iso.datetime().meta({ description: "When the link stops working (24 hours after it was made). Regenerating or revoking the license ends it sooner." }),
    images: z
      .array(
        z.object({
          ref: z.string().meta({ description: "The image as the archive names it (org.opencontainers.image.ref.name)." }),
          digest: z.string().meta({ description: "The digest of the image's manifest or index in the archive." }),
          sourceIndex: z.string().nullable().meta({ description: "When chosen platforms replaced the registry's multi-platform index: that index's digest (the archive's differs); otherwise null." }),
        }),
      )
      .meta({ description: "The images of the archive, with their digests." }),
    sha256: z.string().nullable().meta({ description: "The hex SHA-256 of the whole archive, known once a first complete download computed it; null before." }),
    commands: z
      .object({
        download: z.string().meta({ description: "Downloads the archive with curl; -C - resumes." }),
        skopeo: z.array(z.string()).meta({ description: "Copies each image from the archive into the customer's registry." }),
        containerd: z.string().meta({ description: "Imports every image into containerd." }),
      })
      .meta({ description: "What the customer runs, as its page shows it." }),
  })
  .meta({
    id: "AirGapLink",
    example: {
      url: "https://portal.example.com/customer/airgap.tar?image=proxy%2Fshop%2Fregistry.vendor.example%2Fvendor%2Fapp%3A1.4.2&link=eyJhbGciOiJIUzI1NiJ9.e30.signature",
      size: 73400320,
      expiresAt: "2026-01-16T12:00:00.000Z",
      images: [{ ref: "portal.example.com/proxy/shop/registry.vendor.example/vendor/app:1.4.2", digest: "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b", sourceIndex: null }],
      sha256: null,
      commands: {
        download: "curl -fL -C - -o bundle.tar 'https://portal.example.com/customer/airgap.tar?image=…&link=…'",
        skopeo: ["skopeo copy --all oci-archive:bundle.tar:portal.example.com/proxy/shop/registry.vendor.example/vendor/app:1.4.2 docker://<your registry>/vendor/app:1.4.2"],
        containerd: "ctr -n k8s.io images import --all-platforms bundle.tar",
      },
    },
  });

export const createAirGapLinkEndpoint = defineEndpoint(
  {
    method: "post",
    path: "/applications/{applicationId}/customers/{customerId}/airgap-links",
    operationId: "createAirGapLink",
    tag: "Customers",
    summary: "Make an air-gap download link for a customer",
    description:
      "Plans the archive (an OCI image layout as a tar) from the images' manifests, read through the proxy with the customer's license and entitlements, and answers its signed download link, size and expiry with the commands that load it. Nothing is downloaded yet. Links are not stored: to end every link of a customer before it expires, regenerate or revoke its license.",
    minimumRole: "MEMBER",
    what: "prepare air-gap downloads",
    params: ZCustomerParams,
    body: ZAirGapLinkBody,
    bodyExample: { images: ["proxy/shop/registry.vendor.example/vendor/app:1.4.2"], platforms: [] },
    response: dataOf(ZApiAirGapLink, "AirGapLinkResponse"),
    successStatus: 201,
    errors: ["invalid_input", "not_found"],
  },
  async ({ principal, params, body }) => {
    const prepared = await prepareVendorAirGapDownload(principal.team.id, principal.actor, params.customerId, body, params.applicationId);
    return { data: { url: prepared.url, size: prepared.size, expiresAt: prepared.expiresAt.toISOString(), images: prepared.images, sha256: prepared.sha256, commands: prepared.commands } };
  },
);
