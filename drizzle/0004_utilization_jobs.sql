CREATE TABLE "utilization_users" (
	"integrated_account_id" text NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"position" integer NOT NULL,
	"name" text,
	"email" text,
	"status" text,
	"added_at" timestamp with time zone,
	"listed_by" timestamp with time zone NOT NULL,
	CONSTRAINT "utilization_users_integrated_account_id_account_id_user_id_pk" PRIMARY KEY("integrated_account_id","account_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_status" text DEFAULT 'idle' NOT NULL;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_from" date;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_to" date;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_phase" text;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_next_user" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_user_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_pages" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "utilization_sync_state" ADD COLUMN "job_stop_reason" text;--> statement-breakpoint
CREATE INDEX "utilization_users_position" ON "utilization_users" USING btree ("integrated_account_id","account_id","position");