/* import_layouts: each spreadsheet layout as a table of header -> field.
 *
 * Headers are as the layouts' owners write them; where a column has gone by
 * several names (eBay's US "Ship To" and UK "Post To" reports and the mix
 * of both, Shopify's province code and name, WooCommerce's two export
 * plugins) all are listed and the first present in the file wins.
 * docs/imports.md lists every spelling and where it comes from. */
#include "formats/import_impl.h"

#include <string.h>

#define REQ (COL_REQUIRED | VAL_REQUIRED)
#define END                                                                                        \
    {                                                                                              \
        NULL, S_NONE, 0                                                                            \
    }

/* Click & Drop's own template (product.md, "Spreadsheet import"). */
static const struct import_column clickanddrop[] = {{"First Name", S_FIRST, REQ},
                                                    {"Last Name", S_LAST, 0},
                                                    {"Company", S_COMPANY, 0},
                                                    {"Address Line 1", S_ADDR1, REQ},
                                                    {"Address Line 2", S_ADDR2, 0},
                                                    {"Address Line 3", S_ADDR3, 0},
                                                    {"City", S_CITY, REQ},
                                                    {"County", S_COUNTY, 0},
                                                    {"Postcode", S_POSTCODE, REQ},
                                                    {"Country", S_COUNTRY, 0},
                                                    {"Phone", S_PHONE, 0},
                                                    {"Email", S_EMAIL, 0},
                                                    {"Recipient is a business", S_BUSINESS, 0},
                                                    {"Order reference", S_REFERENCE, 0},
                                                    {"Special instructions", S_INSTRUCTIONS, 0},
                                                    {"Order date", S_DATE, 0},
                                                    {"Weight", S_WEIGHT, 0},
                                                    {"Package size", S_PACKAGE, 0},
                                                    {"Sub-total", S_SUBTOTAL, 0},
                                                    {"Shipping cost", S_SHIPPING, 0},
                                                    {"Total", S_TOTAL, 0},
                                                    {"Currency code", S_CURRENCY, 0},
                                                    {"Service code", S_SERVICE, 0},
                                                    {"Service register code", S_REGISTER, 0},
                                                    {"Safe place", S_SAFEPLACE, 0},
                                                    {"Signature", S_SIGNATURE, 0},
                                                    {"Product name", S_ITEM_NAME, 0},
                                                    {"SKU", S_SKU, 0},
                                                    {"Quantity", S_QUANTITY, 0},
                                                    {"Unit price", S_UNIT_PRICE, 0},
                                                    {"Unit weight", S_UNIT_WEIGHT, 0},
                                                    {"Customs description", S_CUSTOMS_DESC, 0},
                                                    {"HS tariff code", S_HS_CODE, 0},
                                                    {"Country of origin", S_ORIGIN, 0},
                                                    /* spellings people use for the same columns */
                                                    {"Weight (kg)", S_WEIGHT, 0},
                                                    {"Subtotal", S_SUBTOTAL, 0},
                                                    {"Email address", S_EMAIL, 0},
                                                    {"Phone number", S_PHONE, 0},
                                                    {"Company name", S_COMPANY, 0},
                                                    {"Town", S_CITY, REQ},
                                                    {"Town/City", S_CITY, REQ},
                                                    {"Post code", S_POSTCODE, REQ},
                                                    {"Country code", S_COUNTRY, 0},
                                                    {"Sub total", S_SUBTOTAL, 0},
                                                    END};

/* Shopify's orders export: one row per line item, order fields on the
 * first row only, all rows sharing the order's Name ("#1001"). */
static const struct import_column shopify[] = {
    {"Name", S_KEY, REQ},
    {"Name", S_REFERENCE, 0},
    {"Email", S_EMAIL, 0},
    {"Currency", S_CURRENCY, 0},
    {"Subtotal", S_SUBTOTAL, 0},
    {"Shipping", S_SHIPPING, 0},
    {"Total", S_TOTAL, 0},
    {"Created at", S_DATE, 0},
    {"Lineitem quantity", S_QUANTITY, 0},
    {"Lineitem name", S_ITEM_NAME, COL_REQUIRED},
    {"Lineitem price", S_UNIT_PRICE, 0},
    {"Lineitem sku", S_SKU, 0},
    {"Lineitem requires shipping", S_SHIPS, 0},
    {"Shipping Name", S_FULLNAME, REQ},
    {"Shipping Company", S_COMPANY, 0},
    {"Shipping Address1", S_ADDR1, REQ},
    /* address 1 and 2 in one cell: only without Address1 */
    {"Shipping Street", S_ADDR1, REQ},
    {"Shipping Address2", S_ADDR2, 0},
    {"Shipping City", S_CITY, REQ},
    {"Shipping Zip", S_POSTCODE, 0},
    {"Shipping Province", S_COUNTY, 0},
    {"Shipping Province Name", S_COUNTY, 0},
    {"Shipping Country", S_COUNTRY, 0},
    {"Shipping Phone", S_PHONE, 0},
    {"Phone", S_PHONE, 0},
    {"Notes", S_INSTRUCTIONS, 0},
    END};

/* eBay Seller Hub's orders report; a multi-item order has a summary row and
 * one row per item under the same Order Number. Rows without one (the
 * blank line under the header) and the report's closing lines ("3 record(s)
 * downloaded", "Seller ID : ...") are skipped. */
static const struct import_column ebay[] = {{"Order Number", S_KEY, REQ},
                                            /* older Selling Manager sales history files */
                                            {"Sales Record Number", S_KEY, REQ},
                                            {"Order Number", S_REFERENCE, 0},
                                            {"Sales Record Number", S_REFERENCE, 0},
                                            {"Item Title", S_ITEM_NAME, COL_REQUIRED},
                                            {"Buyer Email", S_EMAIL, 0},
                                            {"Ship To Name", S_FULLNAME, REQ},
                                            {"Post To Name", S_FULLNAME, REQ},
                                            {"Ship To Phone", S_PHONE, 0},
                                            {"Post To Phone", S_PHONE, 0},
                                            {"Ship To Address 1", S_ADDR1, REQ},
                                            {"Post To Address 1", S_ADDR1, REQ},
                                            {"Ship To Address 2", S_ADDR2, 0},
                                            {"Post To Address 2", S_ADDR2, 0},
                                            {"Ship To City", S_CITY, REQ},
                                            {"Post To City", S_CITY, REQ},
                                            {"Ship To State", S_COUNTY, 0},
                                            {"Ship To County", S_COUNTY, 0},
                                            {"Post To County", S_COUNTY, 0},
                                            {"Post To State", S_COUNTY, 0},
                                            {"Ship To Zip", S_POSTCODE, 0},
                                            {"Ship To Postcode", S_POSTCODE, 0},
                                            {"Ship To Postal Code", S_POSTCODE, 0},
                                            {"Post To Postcode", S_POSTCODE, 0},
                                            {"Post To Zip", S_POSTCODE, 0},
                                            {"Ship To Country", S_COUNTRY, 0},
                                            {"Post To Country", S_COUNTRY, 0},
                                            {"Custom Label", S_SKU, 0},
                                            {"Quantity", S_QUANTITY, 0},
                                            {"Sold For", S_UNIT_PRICE, 0},
                                            {"Sale Price", S_UNIT_PRICE, 0},
                                            {"Postage And Packaging", S_SHIPPING, 0},
                                            {"Shipping And Handling", S_SHIPPING, 0},
                                            {"Total Price", S_TOTAL, 0},
                                            {"Sale Date", S_DATE, 0},
                                            END};

/* Amazon Seller Central's unshipped orders report (tab separated, one row
 * per order item under the same order-id). */
static const struct import_column amazon[] = {{"order-id", S_KEY, REQ},
                                              {"order-id", S_REFERENCE, 0},
                                              {"purchase-date", S_DATE, 0},
                                              {"buyer-email", S_EMAIL, 0},
                                              {"ship-phone-number", S_PHONE, 0},
                                              {"buyer-phone-number", S_PHONE, 0},
                                              {"sku", S_SKU, 0},
                                              {"product-name", S_ITEM_NAME, COL_REQUIRED},
                                              {"quantity-to-ship", S_QUANTITY, 0},
                                              {"quantity-purchased", S_QUANTITY, 0},
                                              {"recipient-name", S_FULLNAME, REQ},
                                              {"ship-address-1", S_ADDR1, REQ},
                                              {"ship-address-2", S_ADDR2, 0},
                                              {"ship-address-3", S_ADDR3, 0},
                                              {"ship-city", S_CITY, REQ},
                                              {"ship-state", S_COUNTY, 0},
                                              {"ship-postal-code", S_POSTCODE, 0},
                                              {"ship-country", S_COUNTRY, 0},
                                              {"currency", S_CURRENCY, 0},
                                              {"is-business-order", S_BUSINESS, 0},
                                              END};

/* Etsy's sold orders file (EtsySoldOrders*.csv, one row per order) and its
 * sold order items file (EtsySoldOrderItems*.csv, one row per item under
 * the same Order ID): grouped, so either reads as one order per Order ID. */
static const struct import_column etsy[] = {{"Order ID", S_KEY, REQ},
                                            {"Order ID", S_REFERENCE, 0},
                                            {"Sale Date", S_DATE, 0},
                                            {"Full Name", S_FULLNAME, REQ},
                                            {"Ship Name", S_FULLNAME, REQ},
                                            {"Street 1", S_ADDR1, REQ},
                                            {"Ship Address1", S_ADDR1, REQ},
                                            {"Street 2", S_ADDR2, 0},
                                            {"Ship Address2", S_ADDR2, 0},
                                            {"Ship City", S_CITY, REQ},
                                            {"Ship State", S_COUNTY, 0},
                                            {"Ship Zipcode", S_POSTCODE, 0},
                                            {"Ship Postal Code", S_POSTCODE, 0},
                                            {"Ship Country", S_COUNTRY, 0},
                                            {"Order Value", S_SUBTOTAL, 0},
                                            {"Shipping", S_SHIPPING, 0},
                                            {"Delivery", S_SHIPPING, 0},
                                            {"Order Shipping", S_SHIPPING, 0},
                                            {"Order Delivery", S_SHIPPING, 0},
                                            {"Order Total", S_TOTAL, 0},
                                            {"Currency", S_CURRENCY, 0},
                                            {"Item Name", S_ITEM_NAME, 0},
                                            {"Quantity", S_QUANTITY, 0},
                                            {"Price", S_UNIT_PRICE, 0},
                                            END};

/* WooCommerce's order exports (one row per line item, order fields
 * repeated): the "Advanced Order Export For WooCommerce" plugin's titled
 * headers first, then the snake_case ones of the "Customer / Order CSV
 * Export" extension and WebToffee's "Order Export & Order Import". */
static const struct import_column woocommerce[] = {{"Order Number", S_KEY, REQ},
                                                   {"order_number", S_KEY, REQ},
                                                   {"Order Number", S_REFERENCE, 0},
                                                   {"order_number", S_REFERENCE, 0},
                                                   {"Order Date", S_DATE, 0},
                                                   {"order_date", S_DATE, 0},
                                                   {"First Name (Shipping)", S_FIRST, REQ},
                                                   {"shipping_first_name", S_FIRST, REQ},
                                                   {"Last Name (Shipping)", S_LAST, 0},
                                                   {"shipping_last_name", S_LAST, 0},
                                                   {"Company (Shipping)", S_COMPANY, 0},
                                                   {"shipping_company", S_COMPANY, 0},
                                                   {"Address 1&2 (Shipping)", S_ADDR1, REQ},
                                                   {"Address 1 (Shipping)", S_ADDR1, REQ},
                                                   {"shipping_address_1", S_ADDR1, REQ},
                                                   {"Address 2 (Shipping)", S_ADDR2, 0},
                                                   {"shipping_address_2", S_ADDR2, 0},
                                                   {"City (Shipping)", S_CITY, REQ},
                                                   {"shipping_city", S_CITY, REQ},
                                                   {"State Code (Shipping)", S_COUNTY, 0},
                                                   {"State Name (Shipping)", S_COUNTY, 0},
                                                   {"shipping_state", S_COUNTY, 0},
                                                   {"Postcode (Shipping)", S_POSTCODE, 0},
                                                   {"shipping_postcode", S_POSTCODE, 0},
                                                   {"Country Code (Shipping)", S_COUNTRY, 0},
                                                   {"Country Name (Shipping)", S_COUNTRY, 0},
                                                   {"shipping_country", S_COUNTRY, 0},
                                                   {"Email (Billing)", S_EMAIL, 0},
                                                   {"billing_email", S_EMAIL, 0},
                                                   {"Phone (Shipping)", S_PHONE, 0},
                                                   {"shipping_phone", S_PHONE, 0},
                                                   {"Phone (Billing)", S_PHONE, 0},
                                                   {"billing_phone", S_PHONE, 0},
                                                   {"Customer Note", S_INSTRUCTIONS, 0},
                                                   {"customer_note", S_INSTRUCTIONS, 0},
                                                   {"Item Name", S_ITEM_NAME, 0},
                                                   {"item_name", S_ITEM_NAME, 0},
                                                   {"SKU", S_SKU, 0},
                                                   {"item_sku", S_SKU, 0},
                                                   {"Quantity", S_QUANTITY, 0},
                                                   {"item_quantity", S_QUANTITY, 0},
                                                   {"Item Cost", S_UNIT_PRICE, 0},
                                                   {"Order Subtotal Amount", S_SUBTOTAL, 0},
                                                   {"Order Shipping Amount", S_SHIPPING, 0},
                                                   {"shipping_total", S_SHIPPING, 0},
                                                   {"Order Total Amount", S_TOTAL, 0},
                                                   {"order_total", S_TOTAL, 0},
                                                   {"Order Currency", S_CURRENCY, 0},
                                                   {"order_currency", S_CURRENCY, 0},
                                                   END};

const struct import_column import_extra_columns[] = {{"Weight", S_WEIGHT, 0},
                                                     {"Weight (kg)", S_WEIGHT, 0},
                                                     {"Package size", S_PACKAGE, 0},
                                                     {"Service code", S_SERVICE, 0},
                                                     {"Service register code", S_REGISTER, 0},
                                                     {"Safe place", S_SAFEPLACE, 0},
                                                     {"Signature", S_SIGNATURE, 0},
                                                     END};

static const char *const no_footers[] = {NULL};
static const char *const ebay_footers[] = {"record(s) downloaded", "Seller ID", NULL};

/* Marketplaces first: their headers are specific, Click & Drop's generic. */
const struct import_layout import_layouts[] = {
    {IMPORT_SHOPIFY, "Shopify", true, DATES_ISO, shopify, no_footers},
    {IMPORT_EBAY, "eBay", true, DATES_EBAY, ebay, ebay_footers},
    {IMPORT_AMAZON, "Amazon", true, DATES_ISO, amazon, no_footers},
    {IMPORT_ETSY, "Etsy", true, DATES_MDY, etsy, no_footers},
    {IMPORT_WOOCOMMERCE, "WooCommerce", true, DATES_ISO, woocommerce, no_footers},
    {IMPORT_CLICKANDDROP, "Click & Drop", false, DATES_DMY, clickanddrop, no_footers},
};
const size_t import_nlayouts = sizeof import_layouts / sizeof *import_layouts;

static const char *const slot_paths[S_COUNT] = {
    [S_FULLNAME] = "recipient.address.fullName",
    [S_FIRST] = "recipient.address.fullName",
    [S_LAST] = "recipient.address.fullName",
    [S_COMPANY] = "recipient.address.companyName",
    [S_ADDR1] = "recipient.address.addressLine1",
    [S_ADDR2] = "recipient.address.addressLine2",
    [S_ADDR3] = "recipient.address.addressLine3",
    [S_CITY] = "recipient.address.city",
    [S_COUNTY] = "recipient.address.county",
    [S_POSTCODE] = "recipient.address.postcode",
    [S_COUNTRY] = "recipient.address.countryCode",
    [S_PHONE] = "recipient.phoneNumber",
    [S_EMAIL] = "recipient.emailAddress",
    [S_BUSINESS] = "isRecipientABusiness",
    [S_REFERENCE] = "orderReference",
    [S_INSTRUCTIONS] = "specialInstructions",
    [S_DATE] = "orderDate",
    [S_WEIGHT] = "packages[].weightInGrams",
    [S_PACKAGE] = "packages[].packageFormatIdentifier",
    [S_SUBTOTAL] = "subtotal",
    [S_SHIPPING] = "shippingCostCharged",
    [S_TOTAL] = "total",
    [S_CURRENCY] = "currencyCode",
    [S_SERVICE] = "postageDetails.serviceCode",
    [S_REGISTER] = "postageDetails.serviceRegisterCode",
    [S_SAFEPLACE] = "postageDetails.safePlace",
    [S_SIGNATURE] = "postageDetails.requestSignatureUponDelivery",
    [S_ITEM_NAME] = "packages[].contents[].name",
    [S_SKU] = "packages[].contents[].SKU",
    [S_QUANTITY] = "packages[].contents[].quantity",
    [S_UNIT_PRICE] = "packages[].contents[].unitValue",
    [S_UNIT_WEIGHT] = "packages[].contents[].unitWeightInGrams",
    [S_CUSTOMS_DESC] = "packages[].contents[].customsDescription",
    [S_HS_CODE] = "packages[].contents[].customsCode",
    [S_ORIGIN] = "packages[].contents[].originCountryCode",
};

const char *import_slot_path(enum import_slot s)
{
    return s > S_NONE && s < S_COUNT ? slot_paths[s] : NULL;
}

const char *import_clickanddrop_header(enum import_slot s)
{
    for (const struct import_column *c = clickanddrop; c->header; c++)
        if (c->slot == s) return c->header;
    return NULL;
}
