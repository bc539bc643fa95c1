import { redirect } from "next/navigation";
import { getSignedInUser } from "@/lib/auth/session";

export default async function HomePage() {
  redirect((await getSignedInUser()) ? "/apps" : "/sign-in");
}
