"""상품정보제공고시 → Naver ``productInfoProvidedNotice``. Pure tables and one builder, no I/O.

Naver takes ``{productInfoProvidedNoticeType: <TYPE>, <typeKey>: {<fields>}}``; the types, their object
keys and each type's required fields are copied from the official OpenAPI spec
(commerce-api-naver/commerce-api docs/2.0.0-RC.js, ``ExternalApi*InfoProvidedNoticeVo``) [D].

Our side is modules.catalog.notice: a category code (``wear``, ``general_food`` …) and values keyed by
item key (``material``, ``as_contact`` …). ``ListingDraft.notice_fields`` is read by those item keys (or
their labels: ``common.notice_values``); a Naver field name is accepted too (a caller that already speaks
Naver). Which of our items feeds which Naver field is our reading of the two label sets [U where one of our
items feeds several Naver fields, e.g. "품명 및 모델명" → itemName + modelName, "정격전압, 소비전력" →
ratedVoltage + powerConsumption].

Rules:
- A required Naver field we have no value for gets ``상세페이지 참조`` (channels accept it, domain-kr §4);
  item name / model / maker / A/S contact fall back to the draft's own name, model, maker and A/S phone
  first.
- Dates we hold as free text ("2024년 3월", "상세페이지 참조") go in the ``…DateType: DIRECT`` + ``…Text``
  form, never the calendar form.
- Yes/no fields (GMO, 수입신고) are booleans at Naver: "해당없음", "없음", "아니오", "N" read as false [U].
- The five claim/refund texts every type carries (returnCostReason, noRefundReason,
  qualityAssuranceStandard, compensationProcedure, troubleShootingContents) are left out: the spec
  says an omitted one is stored as 상품상세 참조.
- Categories Naver has no notice object for (호텔/펜션 예약, 여행상품, 항공권, 렌터카, 물품대여(정수기 등))
  and unknown or empty categories fall back to ``ETC`` (기타 재화) with 상세페이지 참조 values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..common import SEE_DETAIL, notice_values

FALSE_WORDS = frozenset({"", "해당없음", "해당 없음", "없음", "아니오", "아니요", "n", "no", "false", "x", "0"})

# Our category code (modules.catalog.notice) → Naver notice type. Missing codes fall back to ETC.
NOTICE_TYPES: dict[str, str] = {
    "wear": "WEAR",
    "shoes": "SHOES",
    "bag": "BAG",
    "fashion_items": "FASHION_ITEMS",
    "sleeping_gear": "SLEEPING_GEAR",
    "furniture": "FURNITURE",
    "image_appliances": "IMAGE_APPLIANCES",
    "home_appliances": "HOME_APPLIANCES",
    "season_appliances": "SEASON_APPLIANCES",
    "office_appliances": "OFFICE_APPLIANCES",
    "optics_appliances": "OPTICS_APPLIANCES",
    "microelectronics": "MICROELECTRONICS",
    "cellphone": "CELLPHONE",
    "navigation": "NAVIGATION",
    "car_articles": "CAR_ARTICLES",
    "medical_appliances": "MEDICAL_APPLIANCES",
    "kitchen_utensils": "KITCHEN_UTENSILS",
    "cosmetic": "COSMETIC",
    "jewellery": "JEWELLERY",
    "food": "FOOD",
    "general_food": "GENERAL_FOOD",
    "diet_food": "DIET_FOOD",
    "kids": "KIDS",
    "musical_instrument": "MUSICAL_INSTRUMENT",
    "sports_equipment": "SPORTS_EQUIPMENT",
    "books": "BOOKS",
    "rental_etc": "RENTAL_ETC",
    "digital_contents": "DIGITAL_CONTENTS",
    "gift_card": "GIFT_CARD",
    "mobile_coupon": "MOBILE_COUPON",
    "movie_show": "MOVIE_SHOW",
    "etc_service": "ETC_SERVICE",
    "biochemistry": "BIOCHEMISTRY",
    "biocidal": "BIOCIDAL",
    "etc": "ETC",
}

# Naver notice type → the key of its object in productInfoProvidedNotice [D].
TYPE_KEYS: dict[str, str] = {
    "WEAR": "wear",
    "SHOES": "shoes",
    "BAG": "bag",
    "FASHION_ITEMS": "fashionItems",
    "SLEEPING_GEAR": "sleepingGear",
    "FURNITURE": "furniture",
    "IMAGE_APPLIANCES": "imageAppliances",
    "HOME_APPLIANCES": "homeAppliances",
    "SEASON_APPLIANCES": "seasonAppliances",
    "OFFICE_APPLIANCES": "officeAppliances",
    "OPTICS_APPLIANCES": "opticsAppliances",
    "MICROELECTRONICS": "microElectronics",
    "CELLPHONE": "cellPhone",
    "NAVIGATION": "navigation",
    "CAR_ARTICLES": "carArticles",
    "MEDICAL_APPLIANCES": "medicalAppliances",
    "KITCHEN_UTENSILS": "kitchenUtensils",
    "COSMETIC": "cosmetic",
    "JEWELLERY": "jewellery",
    "FOOD": "food",
    "GENERAL_FOOD": "generalFood",
    "DIET_FOOD": "dietFood",
    "KIDS": "kids",
    "MUSICAL_INSTRUMENT": "musicalInstrument",
    "SPORTS_EQUIPMENT": "sportsEquipment",
    "BOOKS": "books",
    "RENTAL_ETC": "rentalEtc",
    "DIGITAL_CONTENTS": "digitalContents",
    "GIFT_CARD": "giftCard",
    "MOBILE_COUPON": "mobileCoupon",
    "MOVIE_SHOW": "movieShow",
    "ETC_SERVICE": "etcService",
    "BIOCHEMISTRY": "biochemistry",
    "BIOCIDAL": "biocidal",
    "ETC": "etc",
}

# Required fields per type, without the five claim/refund texts [D: the spec's "required" lists].
REQUIRED: dict[str, tuple[str, ...]] = {
    "WEAR": ("material", "color", "size", "manufacturer", "caution", "warrantyPolicy", "afterServiceDirector"),
    "SHOES": ("material", "color", "size", "manufacturer", "caution", "warrantyPolicy", "afterServiceDirector"),
    "BAG": ("type", "material", "color", "size", "manufacturer", "caution", "warrantyPolicy", "afterServiceDirector"),
    "FASHION_ITEMS": ("type", "material", "size", "manufacturer", "caution", "warrantyPolicy", "afterServiceDirector"),
    "SLEEPING_GEAR": (
        "material",
        "color",
        "size",
        "components",
        "manufacturer",
        "caution",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "FURNITURE": (
        "itemName",
        "certificationType",
        "color",
        "components",
        "material",
        "manufacturer",
        "producer",
        "size",
        "installedCharge",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "IMAGE_APPLIANCES": (
        "itemName",
        "modelName",
        "certificationType",
        "manufacturer",
        "size",
        "additionalCost",
        "displaySpecification",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "HOME_APPLIANCES": (
        "itemName",
        "modelName",
        "certificationType",
        "manufacturer",
        "size",
        "additionalCost",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "SEASON_APPLIANCES": (
        "itemName",
        "modelName",
        "certificationType",
        "manufacturer",
        "size",
        "area",
        "installedCharge",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "OFFICE_APPLIANCES": (
        "itemName",
        "modelName",
        "certificationType",
        "manufacturer",
        "size",
        "specification",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "OPTICS_APPLIANCES": (
        "itemName",
        "modelName",
        "certificationType",
        "manufacturer",
        "size",
        "weight",
        "specification",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "MICROELECTRONICS": (
        "itemName",
        "modelName",
        "certificationType",
        "ratedVoltage",
        "powerConsumption",
        "manufacturer",
        "size",
        "weight",
        "specification",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "CELLPHONE": (
        "itemName",
        "modelName",
        "certificationType",
        "manufacturer",
        "producer",
        "size",
        "weight",
        "telecomType",
        "joinProcess",
        "extraBurden",
        "specification",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "NAVIGATION": (
        "itemName",
        "modelName",
        "certificationType",
        "ratedVoltage",
        "powerConsumption",
        "manufacturer",
        "size",
        "weight",
        "specification",
        "updateCost",
        "freeCostPeriod",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "CAR_ARTICLES": (
        "itemName",
        "modelName",
        "certificationType",
        "caution",
        "manufacturer",
        "size",
        "applyModel",
        "warrantyPolicy",
        "roadWorthyCertification",
        "afterServiceDirector",
    ),
    "MEDICAL_APPLIANCES": (
        "itemName",
        "modelName",
        "advertisingCertificationType",
        "manufacturer",
        "purpose",
        "usage",
        "caution",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "KITCHEN_UTENSILS": (
        "itemName",
        "modelName",
        "material",
        "component",
        "size",
        "manufacturer",
        "producer",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "COSMETIC": (
        "capacity",
        "specification",
        "usage",
        "manufacturer",
        "producer",
        "distributor",
        "mainIngredient",
        "certificationType",
        "caution",
        "warrantyPolicy",
        "customerServicePhoneNumber",
    ),
    "JEWELLERY": (
        "material",
        "purity",
        "weight",
        "manufacturer",
        "size",
        "caution",
        "specification",
        "provideWarranty",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "FOOD": (
        "foodItem",
        "weight",
        "amount",
        "size",
        "producer",
        "productComposition",
        "keep",
        "adCaution",
        "customerServicePhoneNumber",
    ),
    "GENERAL_FOOD": (
        "productName",
        "foodType",
        "producer",
        "location",
        "weight",
        "amount",
        "ingredients",
        "geneticallyModified",
        "consumerSafetyCaution",
        "importDeclarationCheck",
        "customerServicePhoneNumber",
    ),
    "DIET_FOOD": (
        "productName",
        "foodType",
        "producer",
        "location",
        "weight",
        "amount",
        "ingredients",
        "nutritionFacts",
        "specification",
        "cautionAndSideEffect",
        "nonMedicinalUsesMessage",
        "geneticallyModified",
        "importDeclarationCheck",
        "consumerSafetyCaution",
        "storageMethod",
        "customerServicePhoneNumber",
    ),
    "KIDS": (
        "itemName",
        "modelName",
        "certificationType",
        "size",
        "weight",
        "color",
        "material",
        "recommendedAge",
        "manufacturer",
        "caution",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "MUSICAL_INSTRUMENT": (
        "itemName",
        "modelName",
        "size",
        "color",
        "material",
        "components",
        "manufacturer",
        "detailContent",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "SPORTS_EQUIPMENT": (
        "itemName",
        "modelName",
        "certificationType",
        "size",
        "weight",
        "color",
        "material",
        "components",
        "manufacturer",
        "detailContent",
        "warrantyPolicy",
        "afterServiceDirector",
    ),
    "BOOKS": ("title", "author", "publisher", "size", "pages", "description"),
    "RENTAL_ETC": (
        "itemName",
        "modelName",
        "payingForLossOrDamage",
        "refundPolicyForCancel",
        "customerServicePhoneNumber",
    ),
    "DIGITAL_CONTENTS": (
        "producer",
        "termsOfUse",
        "usePeriod",
        "medium",
        "requirement",
        "cancelationPolicy",
        "customerServicePhoneNumber",
    ),
    "GIFT_CARD": ("issuer", "termsOfUse", "refundPolicy", "customerServicePhoneNumber"),
    "MOBILE_COUPON": ("issuer", "usableCondition", "usableStore", "cancelationPolicy", "customerServicePhoneNumber"),
    "MOVIE_SHOW": (
        "sponsor",
        "actor",
        "rating",
        "showTime",
        "showPlace",
        "cancelationCondition",
        "cancelationPolicy",
        "customerServicePhoneNumber",
    ),
    "ETC_SERVICE": (
        "serviceProvider",
        "certificateDetails",
        "usableCondition",
        "cancelationStandard",
        "cancelationPolicy",
        "customerServicePhoneNumber",
    ),
    "BIOCHEMISTRY": (
        "productName",
        "dosageForm",
        "weight",
        "effect",
        "producer",
        "manufacturer",
        "childProtection",
        "chemicals",
        "caution",
        "safeCriterionNo",
        "customerServicePhoneNumber",
    ),
    "BIOCIDAL": (
        "productName",
        "weight",
        "effect",
        "rangeOfUse",
        "producer",
        "manufacturer",
        "childProtection",
        "harmfulChemicalSubstance",
        "maleficence",
        "caution",
        "approvalNumber",
        "customerServicePhoneNumber",
    ),
    # ETC also needs afterServiceDirector or customerServicePhoneNumber; we always send both.
    "ETC": ("itemName", "modelName", "manufacturer"),
}

# Boolean fields [D: "type": "boolean"].
BOOLEAN_FIELDS = frozenset({"geneticallyModified", "importDeclarationCheck", "importDeclaration"})

# Date fields sent as DIRECT text: our item → (Naver …DateType field, Naver …DateText field).
_RELEASE = ("releaseDateType", "releaseDateText")
_PACK = ("packDateType", "packDateText")
_CONSUME = ("consumptionDateType", "consumptionDateText")
_EXPIRE = ("expirationDateType", "expirationDateText")
_PUBLISH = ("publishDateType", "publishDateText")

# Shared rows: Naver field → our item keys (first non-empty wins).
_AS = {"afterServiceDirector": ("as_contact",), "warrantyPolicy": ("warranty",)}
_NAME_MODEL = {"itemName": ("item_name_model",), "modelName": ("item_name_model",)}
_VOLTAGE = {"ratedVoltage": ("voltage_power",), "powerConsumption": ("voltage_power",)}
_SIZE_WEIGHT = {"size": ("size_weight",), "weight": ("size_weight",)}
_PHONE = {"customerServicePhoneNumber": ("consumer_phone",)}

# Naver type → {Naver text/boolean field: our item keys}.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "WEAR": {
        "material": ("material",),
        "color": ("color",),
        "size": ("size",),
        "manufacturer": ("manufacturer",),
        "caution": ("care", "caution"),
        **_AS,
    },
    "SHOES": {
        "material": ("shoe_material", "material"),
        "color": ("color",),
        "size": ("shoe_size", "size"),
        "manufacturer": ("manufacturer",),
        "caution": ("caution",),
        **_AS,
    },
    "BAG": {
        "type": ("kind",),
        "material": ("material",),
        "color": ("color",),
        "size": ("dimensions", "size"),
        "manufacturer": ("manufacturer",),
        "caution": ("caution",),
        **_AS,
    },
    "FASHION_ITEMS": {
        "type": ("kind",),
        "material": ("material",),
        "size": ("size", "dimensions"),
        "manufacturer": ("manufacturer",),
        "caution": ("caution",),
        **_AS,
    },
    "SLEEPING_GEAR": {
        "material": ("material",),
        "color": ("color",),
        "size": ("size",),
        "components": ("components",),
        "manufacturer": ("manufacturer",),
        "caution": ("care", "caution"),
        **_AS,
    },
    "FURNITURE": {
        "itemName": ("item_name_model",),
        "certificationType": ("kc_cert",),
        "color": ("color",),
        "components": ("components",),
        "material": ("main_material", "material"),
        "manufacturer": ("manufacturer",),
        "producer": ("country",),
        "size": ("dimensions",),
        "installedCharge": ("delivery_install_cost",),
        **_AS,
    },
    "IMAGE_APPLIANCES": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_VOLTAGE,
        "energyEfficiencyRating": ("energy_grade",),
        "manufacturer": ("manufacturer",),
        "size": ("dimensions",),
        "additionalCost": ("install_cost",),
        "displaySpecification": ("screen_spec",),
        **_AS,
    },
    "HOME_APPLIANCES": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_VOLTAGE,
        "energyEfficiencyRating": ("energy_grade",),
        "manufacturer": ("manufacturer",),
        "size": ("dimensions",),
        "additionalCost": ("install_cost",),
        **_AS,
    },
    "SEASON_APPLIANCES": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_VOLTAGE,
        "energyEfficiencyRating": ("energy_grade",),
        "manufacturer": ("manufacturer",),
        "size": ("dimensions",),
        "area": ("cooling_area",),
        "installedCharge": ("install_cost",),
        **_AS,
    },
    "OFFICE_APPLIANCES": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_VOLTAGE,
        "energyEfficiencyRating": ("energy_grade",),
        "manufacturer": ("manufacturer",),
        **_SIZE_WEIGHT,
        "specification": ("specs",),
        **_AS,
    },
    "OPTICS_APPLIANCES": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        "manufacturer": ("manufacturer",),
        **_SIZE_WEIGHT,
        "specification": ("specs",),
        **_AS,
    },
    "MICROELECTRONICS": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_VOLTAGE,
        "manufacturer": ("manufacturer",),
        **_SIZE_WEIGHT,
        "specification": ("specs",),
        **_AS,
    },
    "CELLPHONE": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        "manufacturer": ("manufacturer",),
        "producer": ("country",),
        **_SIZE_WEIGHT,
        "telecomType": ("carrier_terms",),
        "joinProcess": ("carrier_terms",),
        "extraBurden": ("carrier_terms",),
        "specification": ("specs",),
        **_AS,
    },
    "NAVIGATION": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_VOLTAGE,
        "manufacturer": ("manufacturer",),
        **_SIZE_WEIGHT,
        "specification": ("specs",),
        "updateCost": ("map_update",),
        "freeCostPeriod": ("map_update",),
        **_AS,
    },
    "CAR_ARTICLES": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        "caution": ("caution",),
        "manufacturer": ("manufacturer",),
        "size": ("dimensions",),
        "applyModel": ("car_models",),
        "roadWorthyCertification": ("car_cert",),
        **_AS,
    },
    "MEDICAL_APPLIANCES": {
        **_NAME_MODEL,
        "licenceNo": ("medical_license",),
        "advertisingCertificationType": ("medical_license",),
        **_VOLTAGE,
        "manufacturer": ("manufacturer",),
        "purpose": ("purpose_usage",),
        "usage": ("purpose_usage",),
        "caution": ("caution",),
        **_AS,
    },
    "KITCHEN_UTENSILS": {
        **_NAME_MODEL,
        "material": ("material",),
        "component": ("components",),
        "size": ("dimensions",),
        "manufacturer": ("manufacturer",),
        "producer": ("country",),
        "importDeclaration": ("kitchen_import",),
        **_AS,
    },
    "COSMETIC": {
        "capacity": ("capacity",),
        "specification": ("cosmetic_spec",),
        "usage": ("usage",),
        "manufacturer": ("cosmetic_maker", "manufacturer"),
        "producer": ("country",),
        "distributor": ("cosmetic_maker",),
        "mainIngredient": ("all_ingredients",),
        "certificationType": ("functional_review",),
        "caution": ("use_caution",),
        "warrantyPolicy": ("warranty",),
        **_PHONE,
    },
    "JEWELLERY": {
        "material": ("jewel_material",),
        "purity": ("jewel_material",),
        "weight": ("weight",),
        "manufacturer": ("manufacturer",),
        "producer": ("country",),
        "size": ("size",),
        "caution": ("wear_caution",),
        "specification": ("specs",),
        "provideWarranty": ("certificate",),
        **_AS,
    },
    "FOOD": {
        "weight": ("food_quantity",),
        "amount": ("food_quantity",),
        "size": ("food_quantity",),
        "producer": ("producer",),
        "relevantLawContent": ("legal_labels",),
        "productComposition": ("composition",),
        "keep": ("storage",),
        "adCaution": ("safety_caution",),
        **_PHONE,
    },
    "GENERAL_FOOD": {
        "productName": ("product_name",),
        "foodType": ("food_type",),
        "producer": ("producer",),
        "location": ("producer",),
        "weight": ("food_quantity",),
        "amount": ("food_quantity",),
        "ingredients": ("ingredients",),
        "nutritionFacts": ("nutrition",),
        "geneticallyModified": ("gmo",),
        "consumerSafetyCaution": ("safety_caution",),
        "importDeclarationCheck": ("import_notice",),
        **_PHONE,
    },
    "DIET_FOOD": {
        "productName": ("product_name",),
        "foodType": ("food_type",),
        "producer": ("producer",),
        "location": ("producer",),
        "weight": ("food_quantity",),
        "amount": ("food_quantity",),
        "ingredients": ("ingredients",),
        "nutritionFacts": ("nutrition",),
        "specification": ("functional_info",),
        "cautionAndSideEffect": ("intake",),
        "nonMedicinalUsesMessage": ("not_medicine",),
        "geneticallyModified": ("gmo",),
        "importDeclarationCheck": ("import_notice",),
        "consumerSafetyCaution": ("safety_caution",),
        "storageMethod": ("storage",),
        **_PHONE,
    },
    "KIDS": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_SIZE_WEIGHT,
        "color": ("color",),
        "material": ("material",),
        "recommendedAge": ("age_range",),
        "manufacturer": ("manufacturer",),
        "caution": ("kids_caution", "caution"),
        **_AS,
    },
    "MUSICAL_INSTRUMENT": {
        **_NAME_MODEL,
        "size": ("dimensions",),
        "color": ("color",),
        "material": ("material",),
        "components": ("components",),
        "manufacturer": ("manufacturer",),
        "detailContent": ("specs",),
        **_AS,
    },
    "SPORTS_EQUIPMENT": {
        **_NAME_MODEL,
        "certificationType": ("kc_cert",),
        **_SIZE_WEIGHT,
        "color": ("color",),
        "material": ("material",),
        "components": ("components",),
        "manufacturer": ("manufacturer",),
        "detailContent": ("specs",),
        **_AS,
    },
    "BOOKS": {
        "title": ("book_title",),
        "author": ("author_publisher",),
        "publisher": ("author_publisher",),
        "size": ("dimensions",),
        "pages": ("pages",),
        "components": ("components",),
        "description": ("toc",),
    },
    "RENTAL_ETC": {
        **_NAME_MODEL,
        "ownershipTransferCondition": ("ownership_transfer",),
        "payingForLossOrDamage": ("loss_liability",),
        "refundPolicyForCancel": ("early_termination",),
        **_PHONE,
    },
    "DIGITAL_CONTENTS": {
        "producer": ("provider",),
        "termsOfUse": ("terms_period",),
        "usePeriod": ("terms_period",),
        "medium": ("delivery_method",),
        "requirement": ("system_requirements",),
        "cancelationPolicy": ("withdrawal_effect",),
        **_PHONE,
    },
    "GIFT_CARD": {
        "issuer": ("issuer",),
        "termsOfUse": ("validity_terms",),
        "useStorePlace": ("stores",),
        "refundPolicy": ("balance_refund",),
        **_PHONE,
    },
    "MOBILE_COUPON": {
        "issuer": ("issuer",),
        "usableCondition": ("validity_terms",),
        "usableStore": ("stores",),
        "cancelationPolicy": ("refund_method",),
        **_PHONE,
    },
    "MOVIE_SHOW": {
        "sponsor": ("organizer",),
        "actor": ("cast",),
        "rating": ("rating",),
        "showTime": ("show_time",),
        "showPlace": ("venue",),
        "cancelationCondition": ("ticket_cancel",),
        "cancelationPolicy": ("ticket_cancel",),
        **_PHONE,
    },
    "ETC_SERVICE": {
        "serviceProvider": ("service_provider",),
        "certificateDetails": ("kc_cert",),
        "usableCondition": ("service_terms",),
        "cancelationStandard": ("service_cancel",),
        "cancelationPolicy": ("service_refund",),
        **_PHONE,
    },
    "BIOCHEMISTRY": {
        "productName": ("chem_name",),
        "dosageForm": ("chem_use_form",),
        "weight": ("chem_quantity",),
        "effect": ("chem_effect",),
        "importer": ("chem_importer",),
        "producer": ("country",),
        "manufacturer": ("chem_maker",),
        "childProtection": ("child_packaging",),
        "chemicals": ("chem_substances",),
        "caution": ("chem_usage", "chem_hazard"),
        "safeCriterionNo": ("chem_report_no",),
        **_PHONE,
    },
    "BIOCIDAL": {
        "productName": ("biocide_name",),
        "weight": ("chem_quantity",),
        "effect": ("chem_effect",),
        "rangeOfUse": ("biocide_target",),
        "importer": ("chem_importer",),
        "producer": ("country",),
        "manufacturer": ("chem_maker",),
        "childProtection": ("child_packaging",),
        "harmfulChemicalSubstance": ("chem_substances",),
        "maleficence": ("chem_hazard",),
        "caution": ("chem_usage",),
        "approvalNumber": ("biocide_approval",),
        **_PHONE,
    },
    "ETC": {
        **_NAME_MODEL,
        "certificateDetails": ("kc_cert",),
        "manufacturer": ("manufacturer",),
        "afterServiceDirector": ("as_contact",),
        "customerServicePhoneNumber": ("consumer_phone", "as_contact"),
    },
}

# Our date items → the Naver DIRECT-text pairs they fill, per type.
DATES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "WEAR": {"made_on": (_PACK,)},
    "IMAGE_APPLIANCES": {"released_on": (_RELEASE,)},
    "HOME_APPLIANCES": {"released_on": (_RELEASE,)},
    "SEASON_APPLIANCES": {"released_on": (_RELEASE,)},
    "OFFICE_APPLIANCES": {"released_on": (_RELEASE,)},
    "OPTICS_APPLIANCES": {"released_on": (_RELEASE,)},
    "MICROELECTRONICS": {"released_on": (_RELEASE,)},
    "CELLPHONE": {"released_on": (_RELEASE,)},
    "NAVIGATION": {"released_on": (_RELEASE,)},
    "CAR_ARTICLES": {"released_on": (_RELEASE,)},
    "MEDICAL_APPLIANCES": {"released_on": (_RELEASE,)},
    "KITCHEN_UTENSILS": {"released_on": (_RELEASE,)},
    "KIDS": {"released_on": (_RELEASE,)},
    "MUSICAL_INSTRUMENT": {"released_on": (_RELEASE,)},
    "SPORTS_EQUIPMENT": {"released_on": (_RELEASE,)},
    "COSMETIC": {"use_by": (_EXPIRE,)},
    "FOOD": {"date_expiry": (_PACK, _CONSUME)},
    "GENERAL_FOOD": {"date_expiry": (_PACK, _CONSUME)},
    "DIET_FOOD": {"date_expiry": (_PACK, _CONSUME)},
    "BOOKS": {"published_on": (_PUBLISH,)},
    "BIOCHEMISTRY": {"chem_made_expiry": (_PACK, _EXPIRE)},
    "BIOCIDAL": {"chem_made_expiry": (_EXPIRE,)},
}


def truthy(text: str) -> bool:
    """A yes/no notice answer as Naver's boolean [U: free-text answers read loosely]."""
    return text.strip().lower() not in FALSE_WORDS


def notice_type(category: str) -> str:
    return NOTICE_TYPES.get((category or "").strip(), "ETC")


def build_notice(
    category: str,
    values: Mapping[str, str],
    *,
    name: str = "",
    model: str = "",
    maker: str = "",
    as_phone: str = "",
) -> dict[str, Any]:
    """``productInfoProvidedNotice`` for our category and item values (see the module docstring)."""
    naver_type = notice_type(category)
    # Values are read for the fallback type too: where our item keys match ETC's rows they still count.
    values = notice_values(values)

    def first(keys: tuple[str, ...]) -> str:
        return next((values[key] for key in keys if values.get(key)), "")

    defaults = {
        "itemName": name,
        "foodItem": name,
        "productName": name,
        "title": name,
        "modelName": model,
        "manufacturer": maker,
        "afterServiceDirector": as_phone,
        "customerServicePhoneNumber": as_phone,
    }
    fields: dict[str, Any] = {}
    for naver_field, keys in FIELDS[naver_type].items():
        # A value keyed by the Naver field name itself wins (a caller that already speaks Naver).
        text = values.get(naver_field) or first(keys)
        if naver_field == "modelName" and model:
            text = model  # our "품명 및 모델명" is one text; the draft's own model is the better modelName
        if naver_field in BOOLEAN_FIELDS:
            if text:
                fields[naver_field] = truthy(text)
            continue
        if text:
            fields[naver_field] = text
    for item_key, pairs in DATES.get(naver_type, {}).items():
        text = values.get(item_key, "")
        if text:
            for type_field, text_field in pairs:
                fields[type_field] = "DIRECT"
                fields[text_field] = text
    for required in REQUIRED[naver_type]:
        if required in fields:
            continue
        if required in BOOLEAN_FIELDS:
            fields[required] = False  # "not applicable" is the safe answer for GMO / 수입신고
        else:
            fields[required] = defaults.get(required) or SEE_DETAIL
    if naver_type == "ETC":
        fields.setdefault("afterServiceDirector", as_phone or SEE_DETAIL)
        fields.setdefault("customerServicePhoneNumber", as_phone or SEE_DETAIL)
    if naver_type == "GIFT_CARD":
        fields.setdefault("useStorePlace", SEE_DETAIL)  # one of place / address id / URL is required [D]
    return {"productInfoProvidedNoticeType": naver_type, TYPE_KEYS[naver_type]: fields}
