import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/session";

export default async function HomePage() {
  redirect((await getSession()) ? "/apps" : "/sign-in");
}
