CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"type" text NOT NULL,
	"integrated_account_id" text,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrated_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"provider" text DEFAULT 'docusign' NOT NULL,
	"status" text NOT NULL,
	"permission" text NOT NULL,
	"auth_type" text NOT NULL,
	"docusign_environment" text NOT NULL,
	"oauth_base" text NOT NULL,
	"admin_base" text NOT NULL,
	"client_id" text NOT NULL,
	"scope_account_id" text,
	"all_accounts" boolean DEFAULT false NOT NULL,
	"docusign_user_id" text,
	"accounts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"organization_id" text,
	"granted_scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"access_token_sealed" text,
	"refresh_token_sealed" text,
	"client_secret_sealed" text,
	"private_key_sealed" text,
	"access_token_expires_at" timestamp with time zone,
	"last_refreshed_at" timestamp with time zone,
	"refresh_failures" integer DEFAULT 0 NOT NULL,
	"refresh_retry_at" timestamp with time zone,
	"last_error" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "link_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"return_url" text,
	"integrated_account_id" text,
	"docusign_environment" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "link_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"environment_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_environment_id_key_pk" PRIMARY KEY("environment_id","key")
);
--> statement-breakpoint
CREATE TABLE "mapping_overrides" (
	"id" text PRIMARY KEY NOT NULL,
	"environment_id" text NOT NULL,
	"integrated_account_id" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"resource" text NOT NULL,
	"method" text DEFAULT '' NOT NULL,
	"field" text NOT NULL,
	"definition" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limit_counters_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
CREATE TABLE "utilization_daily" (
	"integrated_account_id" text NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"day" date NOT NULL,
	"envelopes_sent" integer DEFAULT 0 NOT NULL,
	"templates_created" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "utilization_daily_integrated_account_id_account_id_user_id_day_pk" PRIMARY KEY("integrated_account_id","account_id","user_id","day")
);
--> statement-breakpoint
CREATE TABLE "utilization_sync_state" (
	"integrated_account_id" text NOT NULL,
	"account_id" text NOT NULL,
	"synced_through" date,
	"lease_until" timestamp with time zone,
	"lease_holder" text,
	"first_synced_at" timestamp with time zone,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "utilization_sync_state_integrated_account_id_account_id_pk" PRIMARY KEY("integrated_account_id","account_id")
);
--> statement-breakpoint
ALTER TABLE "integrated_accounts" ADD CONSTRAINT "integrated_accounts_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_tokens" ADD CONSTRAINT "link_tokens_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_environment_created_idx" ON "events" USING btree ("environment_id","created_at");--> statement-breakpoint
CREATE INDEX "integrated_accounts_environment_idx" ON "integrated_accounts" USING btree ("environment_id");--> statement-breakpoint
CREATE INDEX "integrated_accounts_expiry_idx" ON "integrated_accounts" USING btree ("status","access_token_expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mapping_overrides_target_idx" ON "mapping_overrides" USING btree ("environment_id","integrated_account_id","model","resource","method","field");--> statement-breakpoint
CREATE INDEX "mapping_overrides_lookup_idx" ON "mapping_overrides" USING btree ("environment_id","model","resource");