// The coupon lifecycle (template, claim, quote, lock, consume, refund) written against the generated types (v1.d.ts)
// with openapi-fetch, as an integrator's front-end or order system would. It is type-checked only (scripts/clients.sh):
// every path, parameter, header, body and answer below must exist in the document as used, or `tsc` fails.
import createClient from "openapi-fetch";
import type { paths } from "./v1";

/** Bearer tokens of the three callers: the merchant, the shopper and the order system (a service). */
export interface Tokens {
  merchant: string;
  user: string;
  service: string;
}

/** An answer's body, or an error carrying the problem+json the engine refused with. */
function ok<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) {
    throw new Error(`${answer.response.status}: ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

export async function lifecycle(baseUrl: string, tokens: Tokens, run: string) {
  const as = (token: string) => createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const merchant = as(tokens.merchant);
  const user = as(tokens.user);
  const service = as(tokens.service);
  const now = Date.now();

  // The merchant creates a template: 10.00 off an order of 100.00, claimable for 30 days.
  const template = ok(await merchant.POST("/api/v1/merchant/templates", {
    params: { header: { "Idempotency-Key": `template-${run}` } },
    body: {
      name: "满减: 10 off 100",
      currency: "CNY",
      scope: "PLATFORM",
      type: "THRESHOLD",
      discountAmount: 1000,
      thresholdAmount: 10000,
      validityAfterClaim: "P7D",
      stock: 1000,
      perUserLimit: 2,
      validFrom: new Date(now - 60_000).toISOString(),
      validUntil: new Date(now + 30 * 86_400_000).toISOString(),
    },
  }));

  // The shopper claims one; ids travel as strings.
  const coupon = ok(await user.POST("/api/v1/claims", {
    params: { header: { "Idempotency-Key": `claim-${run}` } },
    body: { templateId: template.id },
  }));

  // The order system quotes a 120.00 cart, locks the quote's coupons, the payment succeeds, the order is refunded.
  const quote = ok(await service.POST("/api/v1/settlement/quotes", {
    params: { header: { "Idempotency-Key": `quote-${run}` } },
    body: {
      userId: coupon.userId,
      currency: "CNY",
      shippingFee: 0,
      lines: [{ sku: "tea-250g", productId: "1", shopId: "1", categoryIds: ["1"], unitPrice: 6000, quantity: 2 }],
    },
  }));
  const order = { path: { orderId: `order-${run}` } };
  const locked = ok(await service.POST("/api/v1/orders/{orderId}/coupons/lock", {
    params: { ...order, header: { "Idempotency-Key": `lock-${run}` } },
    body: { quoteId: quote.quoteId, ttlSeconds: 900 },
  }));
  const consumed = ok(await service.POST("/api/v1/orders/{orderId}/coupons/consume", {
    params: { ...order, header: { "Idempotency-Key": `consume-${run}` } },
  }));
  const refunded = ok(await service.POST("/api/v1/orders/{orderId}/coupons/refund", {
    params: { ...order, header: { "Idempotency-Key": `refund-${run}` } },
  }));

  // Back in the wallet.
  const wallet = ok(await user.GET("/api/v1/me/coupons/{couponId}", { params: { path: { couponId: coupon.id } } }));
  return {
    discount: quote.totalDiscount,
    statuses: [locked, consumed, refunded].map((answer) => answer.coupons[0]?.status),
    now: wallet.status,
  };
}
