// A case's document as the PDF the server issues (随机抽查通知书, 检查记录表, 责令整改通知书, 移送函): opening this page
// issues it the first time (its 文号, its SHA-256 on the timeline); the PDF opens in the browser's viewer or downloads.
import { ApiProblem, getFile } from '../api';
import { h } from '../dom';
import { pick, tr } from '../i18n';
import { documentKinds, documentTitles, type DocumentKind } from '../../../domain/issuer';

export async function documentPage({ id, kind }: Record<string, string>): Promise<Node> {
  const back = h('p', { class: 'no-print' }, h('a', { href: `#/cases/${id}` }, tr('‹ 返回案件', '‹ Back to the case')));
  if (!documentKinds.includes(kind as DocumentKind)) return h('div', { class: 'document-page' }, back, h('p', { class: 'problem' }, tr('没有这种文书', 'No such document')));
  const title = documentTitles[kind as DocumentKind];
  let response: Response;
  try {
    response = await getFile(`/cases/${id}/documents/${kind}.pdf`);
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) return h('div', { class: 'document-page' }, back, h('p', { class: 'problem' }, tr('此案件尚无该文书', 'This case has no such document yet')));
    throw error;
  }
  const numbers = decodeURIComponent(response.headers.get('x-document-number') ?? '').split(',').filter(Boolean);
  const sha256 = response.headers.get('x-document-sha256') ?? '';
  const url = URL.createObjectURL(await response.blob());
  const fileName = `${title.zh}-${numbers[0] ?? id}.pdf`;
  return h(
    'div',
    { class: 'document-page' },
    back,
    h(
      'section',
      { class: 'document-issued', 'data-testid': 'document' },
      h('h1', null, pick(title)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, tr('文号', 'Number')),
        h('dd', { 'data-testid': 'document-number' }, numbers.join('、')),
        h('dt', null, 'SHA-256'),
        h('dd', null, h('code', { class: 'hash' }, sha256)),
      ),
      h(
        'p',
        { class: 'toolbar' },
        h('a', { href: url, target: '_blank', rel: 'noopener', class: 'button', 'data-testid': 'open-pdf' }, tr('打开 PDF', 'Open the PDF')),
        h('a', { href: url, download: fileName, class: 'button secondary', 'data-testid': 'download-pdf' }, tr('下载 PDF', 'Download the PDF')),
      ),
      h('p', { class: 'hint' }, tr('A4 版式，打印后加盖印章送达；送达回证随附于后。', 'A4, to be printed, sealed and served; the proof of service (送达回证) follows the document.')),
    ),
  );
}
