-- The bureau's entity categories as a managed list (R1, R3), starting with the commerce categories of its plans.
-- CreateTable
CREATE TABLE "EntityCategory" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EntityCategory_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE UNIQUE INDEX "EntityCategory_name_key" ON "EntityCategory"("name");

INSERT INTO "EntityCategory" ("code", "name", "nameEn") VALUES
    ('prepaid_card_issuer', '单用途商业预付卡发卡企业', 'prepaid card issuer'),
    ('renewable_resource_recycler', '再生资源回收经营者', 'renewable resource recycler'),
    ('end_of_life_vehicle_recycler', '报废机动车回收拆解企业', 'end-of-life vehicle recycler'),
    ('used_car_market', '二手车交易市场经营者', 'used car market'),
    ('auto_dealer', '汽车销售企业', 'car dealer'),
    ('auctioneer', '拍卖企业', 'auctioneer'),
    ('refined_oil_retailer', '成品油零售经营企业', 'refined oil retailer'),
    ('pawnshop', '典当企业', 'pawnshop'),
    ('financial_leasing', '融资租赁企业', 'financial leasing company'),
    ('retailer', '零售商', 'retailer');

-- Categories recorded before the list existed keep their entities and items in scope: a Chinese name becomes its
-- code, and any other text already in use becomes an entry of the list under its own words, to be renamed later.
UPDATE "Entity" e SET "category" = c."code" FROM "EntityCategory" c WHERE e."category" = c."name";

UPDATE "InspectionItem" i SET "categories" = ARRAY(
    SELECT coalesce((SELECT c."code" FROM "EntityCategory" c WHERE c."name" = x.category), x.category)
    FROM unnest(i."categories") WITH ORDINALITY AS x(category, position)
    ORDER BY x.position
);

INSERT INTO "EntityCategory" ("code", "name", "nameEn")
SELECT DISTINCT e."category", e."category", e."category" FROM "Entity" e
WHERE e."category" IS NOT NULL AND e."category" <> ''
ON CONFLICT DO NOTHING;

INSERT INTO "EntityCategory" ("code", "name", "nameEn")
SELECT DISTINCT x.category, x.category, x.category FROM "InspectionItem" i, unnest(i."categories") AS x(category)
WHERE x.category <> ''
ON CONFLICT DO NOTHING;
