// The bureau's words for the codes the API keeps, as the pages show them (Chinese first, English on the switch):
// the fixed vocabularies from the domain, and the entity categories from the bureau's managed list.
import { genderLabels, itemKindLabels, itemMethodLabels, itemNoticeLabels, legalStatusLabels, riskLevelLabels } from '../../domain/vocabulary';
import { get } from './api';
import { pick } from './i18n';

type Text = { zh: string; en: string };

function labelOf(labels: Record<string, Text>, code: string | null | undefined): string {
  if (!code) return '';
  return code in labels ? pick(labels[code]!) : code;
}

export const riskLabel = (code: string | null | undefined) => labelOf(riskLevelLabels, code);
export const legalStatusLabel = (code: string | null | undefined) => labelOf(legalStatusLabels, code);
export const itemKindLabel = (code: string | null | undefined) => labelOf(itemKindLabels, code);
export const itemMethodLabel = (code: string | null | undefined) => labelOf(itemMethodLabels, code);
export const itemNoticeLabel = (code: string | null | undefined) => labelOf(itemNoticeLabels, code);
export const genderLabel = (code: string | null | undefined) => labelOf(genderLabels, code);

let categories: Promise<Record<string, Text>> | undefined;

/** The entity categories by code, read once per page load (the list changes rarely). */
export function loadCategories(): Promise<Record<string, Text>> {
  categories ??= get<{ items: Array<{ code: string; name: string; nameEn: string }> }>('/entity-categories')
    .then((answer) => Object.fromEntries(answer.items.map((category) => [category.code, { zh: category.name, en: category.nameEn }])))
    .catch((error) => {
      categories = undefined;
      throw error;
    });
  return categories;
}

/** A category code as the reader's language names it, with the names loaded by loadCategories. */
export function categoryLabel(names: Record<string, Text>, code: string | null | undefined): string {
  return labelOf(names, code);
}
