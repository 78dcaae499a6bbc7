// polkadot.js against a running dev node, with no custom type definitions:
// every type comes from the runtime metadata. Usage: node smoke.mjs ws://127.0.0.1:PORT
// Exits non-zero with a reason on the first failed check.
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';

const url = process.argv[2];
if (!url) {
  console.error('usage: node smoke.mjs <ws url>');
  process.exit(2);
}

// polkadot.js reports metadata it cannot map to types as console warnings,
// not errors: collect them and fail on any.
const warnings = [];
for (const level of ['warn', 'error']) {
  const original = console[level];
  console[level] = (...args) => {
    warnings.push(args.map(String).join(' '));
    original(...args);
  };
}

function check(condition, message) {
  if (!condition) {
    console.log(`FAIL: ${message}`);
    process.exit(1);
  }
  console.log(`ok: ${message}`);
}

const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
await api.isReadyOrError;

const version = api.runtimeVersion;
check(version.specName.toString() === 'deoss', `runtime spec name is deoss (${version.specName})`);
check(api.runtimeMetadata.version >= 14, `metadata v${api.runtimeMetadata.version} decoded`);
for (const pallet of ['system', 'balances', 'timestamp', 'sudo', 'transactionPayment', 'storageSpace', 'oss']) {
  check(api.query[pallet] !== undefined, `storage of pallet ${pallet} is known`);
}
for (const pallet of ['balances', 'sudo', 'utility', 'storageSpace', 'oss']) {
  check(api.tx[pallet] !== undefined, `calls of pallet ${pallet} are known`);
}
check(typeof api.tx.utility.batchAll === 'function', 'utility.batchAll is callable');

const ed = api.consts.balances.existentialDeposit.toBigInt();
check(ed > 0n, `constant balances.existentialDeposit = ${ed}`);
const blockWeights = api.consts.system.blockWeights;
check(blockWeights.maxBlock.refTime.toBigInt() > 0n, 'constant system.blockWeights decodes');

const keyring = new Keyring({ type: 'sr25519' });
const alice = keyring.addFromUri('//Alice');
const dave = keyring.addFromUri('//Dave');
const { data: before } = await api.query.system.account(dave.address);
const amount = 5n * 10n ** 12n;

const tx = api.tx.balances.transferKeepAlive(dave.address, amount);
const info = await tx.paymentInfo(alice);
check(info.partialFee.toBigInt() > 0n, `payment_queryInfo fee ${info.partialFee.toHuman()}`);

const events = await new Promise((resolve, reject) => {
  tx.signAndSend(alice, ({ status, events, dispatchError }) => {
    if (dispatchError) {
      reject(new Error(`dispatch error: ${dispatchError.toString()}`));
    } else if (status.isFinalized) {
      resolve(events);
    } else if (status.isDropped || status.isInvalid || status.isUsurped) {
      reject(new Error(`transaction ${status.type}`));
    }
  }).catch(reject);
});
const names = events.map(({ event }) => `${event.section}.${event.method}`);
check(names.includes('system.ExtrinsicSuccess'), `events: ${names.join(', ')}`);
const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
check(transfer !== undefined, 'balances.Transfer emitted');
check(transfer.event.data.amount.toBigInt() === amount, 'Transfer amount decoded from metadata');

const { data: after } = await api.query.system.account(dave.address);
check(after.free.toBigInt() === before.free.toBigInt() + amount, 'Dave received the transfer');

// Our pallets, through metadata alone: buy space, then create a bucket.
const price = api.consts.storageSpace.pricePerGibDay.toBigInt();
check(price > 0n, `constant storageSpace.pricePerGibDay = ${price}`);
async function submit(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const detail = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(`dispatch error: ${detail ? `${detail.section}.${detail.name}` : dispatchError}`));
      } else if (status.isFinalized) {
        resolve(events);
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      }
    }).catch(reject);
  });
}
const spaceEvents = await submit(api.tx.storageSpace.buySpace(2, 30), alice);
const purchased = spaceEvents.find(({ event }) => api.events.storageSpace.SpacePurchased.is(event));
check(purchased !== undefined, 'storageSpace.SpacePurchased emitted');
check(purchased.event.data.pricePaid.toBigInt() === 2n * 30n * price, 'paid 2 GiB x 30 days x price');
const lease = (await api.query.storageSpace.userSpace(alice.address)).unwrap();
check(lease.purchasedBytes.toBigInt() === 2n * 1024n ** 3n, `lease of ${lease.purchasedBytes} bytes`);

await submit(api.tx.storageSpace.createBucket('pjs-bucket'), alice);
const bucket = await api.query.storageSpace.buckets(alice.address, 'pjs-bucket');
check(bucket.isSome, 'bucket pjs-bucket stored');
let refused = null;
await submit(api.tx.storageSpace.createBucket('Not_A_Bucket'), alice).catch((e) => { refused = e.message; });
check(refused !== null && refused.startsWith('dispatch error: storageSpace.'), `bad bucket name refused (${refused})`);

// The audit: its parameters, and calls refused with its own errors.
const samples = api.consts.audit.samplesPerChallenge.toNumber();
check(samples === 90, `constant audit.samplesPerChallenge = ${samples}`);
const round = await api.query.audit.currentRound();
check(round.isNone || round.unwrap().number.toNumber() >= 1, 'audit.currentRound readable');
let unchallenged = null;
const proof = { chunk: '0x' + '00'.repeat(64), path: ['0x' + '11'.repeat(32)] };
const logged = warnings.length;
await submit(api.tx.audit.submitProof([proof]), alice).catch((e) => { unchallenged = e.message; });
// polkadot.js logs the pool's refusal it then reports: that line is
// expected, anything else logged meanwhile is not.
warnings.push(...warnings.splice(logged).filter((line) => !(line.includes('RPC-CORE') && line.includes('1010: Invalid Transaction: Custom error: 1'))));
// Refused by the transaction pool (the audit's custom error 1), so it costs
// the chain nothing.
check(unchallenged !== null && unchallenged.startsWith('1010: Invalid Transaction: Custom error: 1'), `proof without a challenge refused by the pool (${unchallenged})`);
let noOrder = null;
await submit(api.tx.audit.claimRestoral('0x' + '22'.repeat(32), 0), alice).catch((e) => { noOrder = e.message; });
check(noOrder === 'dispatch error: audit.OrderNotFound', `claim of a missing order refused (${noOrder})`);

check(warnings.length === 0, `no polkadot.js warnings (${warnings.join(' | ')})`);
await api.disconnect();
console.log('polkadot.js smoke test passed');
process.exit(0);
