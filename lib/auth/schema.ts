import { z } from "zod";

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, { error: "Enter your email address." })
  .max(254, { error: "Email must be at most 254 characters." })
  .email({ error: "Enter an email address like name@example.com." });

export const ZNewPassword = z
  .string()
  .min(12, { error: "Password must be at least 12 characters." })
  .max(200, { error: "Password must be at most 200 characters." })
  .refine((value) => new Set(value).size >= 5, { error: "Password is too repetitive; use a longer passphrase." })
  .refine((value) => !COMMON_PASSWORDS.has(value.toLowerCase()), { error: "This password is too common; choose another." });

const COMMON_PASSWORDS = new Set(["password1234", "123456789012", "qwertyuiopas", "passwordpassword", "letmein12345", "iloveyou1234"]);

export const ZTeamName = z.string().trim().min(1, { error: "Enter a team name." }).max(100, { error: "Team name must be at most 100 characters." });

export const ZSignUpInput = z.object({
  name: z.string().trim().min(1, { error: "Enter your name." }).max(100, { error: "Name must be at most 100 characters." }),
  email: ZEmail,
  password: ZNewPassword,
  teamName: ZTeamName,
  inviteToken: z.string().max(200).optional(),
});
export type TSignUpInput = z.infer<typeof ZSignUpInput>;

export const ZSignInInput = z.object({
  email: ZEmail,
  password: z.string().min(1, { error: "Enter your password." }).max(200),
});
export type TSignInInput = z.infer<typeof ZSignInInput>;
