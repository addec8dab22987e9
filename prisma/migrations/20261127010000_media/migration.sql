-- CreateEnum
CREATE TYPE "UploadKind" AS ENUM ('FRAMES', 'VIDEO');

-- CreateEnum
CREATE TYPE "LoopStatus" AS ENUM ('PENDING', 'PROCESSING', 'READY', 'FAILED');

-- CreateEnum
CREATE TYPE "LoopMode" AS ENUM ('BOUNCE', 'FORWARD', 'REVERSE');

-- CreateEnum
CREATE TYPE "Effect" AS ENUM ('NONE', 'DAZE', 'SOLO', 'DAILY');

-- CreateTable
CREATE TABLE "uploads" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "kind" "UploadKind" NOT NULL,
    "part_count" INTEGER NOT NULL,
    "content_type" VARCHAR(40) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "loops" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "upload_id" UUID NOT NULL,
    "status" "LoopStatus" NOT NULL DEFAULT 'PENDING',
    "mode" "LoopMode" NOT NULL,
    "effect" "Effect" NOT NULL,
    "fps" INTEGER NOT NULL,
    "effect_day" DATE NOT NULL,
    "frame_count" INTEGER,
    "width" INTEGER,
    "height" INTEGER,
    "duration_ms" INTEGER,
    "mp4_bytes" INTEGER,
    "webp_bytes" INTEGER,
    "gif_bytes" INTEGER,
    "poster_bytes" INTEGER,
    "error" VARCHAR(500),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ready_at" TIMESTAMPTZ(3),

    CONSTRAINT "loops_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "uploads_owner_id_created_at_idx" ON "uploads"("owner_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "loops_upload_id_key" ON "loops"("upload_id");

-- CreateIndex
CREATE INDEX "loops_owner_id_created_at_idx" ON "loops"("owner_id", "created_at");

-- CreateIndex
CREATE INDEX "loops_status_idx" ON "loops"("status");

-- AddForeignKey
ALTER TABLE "loops" ADD CONSTRAINT "loops_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "uploads"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
