-- CreateTable
CREATE TABLE "media_purges" (
    "user_id" UUID NOT NULL,
    "purge_after" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_purges_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "media_purges_purge_after_idx" ON "media_purges"("purge_after");
